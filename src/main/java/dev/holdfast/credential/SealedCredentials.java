package dev.holdfast.credential;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential tier's value format: an explicit binary layout (not Java serialisation) followed by an
 * HMAC-SHA256 over it, so an entry edited on disk, or moved to another username's key, is detected.
 *
 * <pre>
 * version:u8 = 1
 * username:str  hasId:u8  [id:str]  passwordHash:str  roleCount:i32  role:str*  enabled:u8
 * confirmedAtSeconds:i64  confirmedAtNanos:i32
 * mac:32 bytes = HMAC-SHA256(key, "holdfast-credential-tier-v1" || all bytes above)
 * str = length:i32 + UTF-8 bytes
 * </pre>
 */
final class SealedCredentials {
    static final int MIN_KEY_BYTES = 32;
    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 32;
    private static final byte[] CONTEXT = "holdfast-credential-tier-v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;

    SealedCredentials(byte[] integrityKey) {
        Objects.requireNonNull(integrityKey, "integrityKey");
        if (integrityKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("integrityKey must be at least " + MIN_KEY_BYTES + " bytes, is "
                    + integrityKey.length);
        }
        this.key = new SecretKeySpec(integrityKey.clone(), "HmacSHA256");
    }

    byte[] seal(StoredCredential credential) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeString(out, credential.username());
            out.writeBoolean(credential.userId().isPresent());
            if (credential.userId().isPresent()) {
                writeString(out, credential.userId().get());
            }
            writeString(out, credential.passwordHash());
            out.writeInt(credential.roles().size());
            for (String role : credential.roles()) {
                writeString(out, role);
            }
            out.writeBoolean(credential.enabled());
            out.writeLong(credential.confirmedAt().getEpochSecond());
            out.writeInt(credential.confirmedAt().getNano());
            out.flush();
            out.write(mac(bytes.toByteArray(), bytes.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * The credential sealed in {@code sealed}, or empty when the bytes were changed, are not in this format, were
     * sealed under another key, or belong to another username than {@code username}.
     */
    Optional<StoredCredential> open(String username, byte[] sealed) {
        if (sealed.length <= MAC_BYTES) {
            return Optional.empty();
        }
        int bodyLength = sealed.length - MAC_BYTES;
        byte[] expected = mac(sealed, bodyLength);
        byte[] actual = new byte[MAC_BYTES];
        System.arraycopy(sealed, bodyLength, actual, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(sealed, 0, bodyLength);
        try {
            if (in.get() != VERSION) {
                return Optional.empty();
            }
            String name = readString(in);
            Optional<String> id = in.get() != 0 ? Optional.of(readString(in)) : Optional.empty();
            String hash = readString(in);
            int roleCount = in.getInt();
            if (roleCount < 0 || roleCount > in.remaining()) {
                return Optional.empty();
            }
            List<String> roles = new ArrayList<>(roleCount);
            for (int i = 0; i < roleCount; i++) {
                roles.add(readString(in));
            }
            boolean enabled = in.get() != 0;
            Instant confirmedAt = Instant.ofEpochSecond(in.getLong(), in.getInt());
            if (in.hasRemaining() || !name.equals(username)) {
                return Optional.empty();
            }
            return Optional.of(new StoredCredential(name, id, hash, roles, enabled, confirmedAt));
        } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
            return Optional.empty(); // a valid MAC over a bad layout: sealed by a different version; unusable
        }
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(CONTEXT);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("string length " + length + " exceeds the entry");
        }
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
