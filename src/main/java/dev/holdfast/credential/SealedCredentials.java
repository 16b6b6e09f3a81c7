package dev.holdfast.credential;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential tier's value formats: an explicit binary layout (not Java serialisation), encrypted and
 * authenticated with AES-256-GCM from the JDK, so an entry on disk or in the shared store shows neither the hash
 * nor the roles, and one edited, or moved to another username's key, does not open.
 *
 * <pre>
 * version:u8 = 2 (local) | 1 (shared)
 * nonce:12 bytes (random per entry)
 * ciphertext and 16-byte tag = AES-256-GCM(encryptionKey, nonce, plaintext, aad)
 *   aad       = context || 0x00 || username in UTF-8   (binds the entry to its username)
 *   plaintext = username:str  hasId:u8  [id:str]  passwordHash:str  roleCount:i32  role:str*  enabled:u8
 *               confirmedAtSeconds:i64  confirmedAtNanos:i32
 *               [expiresAtSeconds:i64  expiresAtNanos:i32]   (shared only)
 *   str       = length:i32 + UTF-8 bytes
 * encryptionKey = HMAC-SHA256(key, label)
 * local:  context "holdfast-credential-tier-v2",        label "holdfast credential tier aes-256-gcm v2"
 * shared: context "holdfast-shared-credential-tier-v1", label "holdfast shared credential tier aes-256-gcm v1"
 * </pre>
 * The two formats differ in context and label, so an entry of one never opens as the other, even under one key.
 * Local entries of version 1 (HMAC only, hash in clear) do not open: they are dropped and the user is confirmed
 * by the database again at the next login.
 */
final class SealedCredentials {
    static final int MIN_KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** The two layouts: the node's own tier (Ehcache, heap and disk) and the tier the nodes share. */
    enum Format {
        LOCAL((byte) 2, "holdfast-credential-tier-v2", "holdfast credential tier aes-256-gcm v2", false),
        SHARED((byte) 1, "holdfast-shared-credential-tier-v1", "holdfast shared credential tier aes-256-gcm v1", true);

        final byte version;
        final byte[] context;
        final byte[] keyLabel;
        final boolean sealsExpiry;

        Format(byte version, String context, String keyLabel, boolean sealsExpiry) {
            this.version = version;
            this.context = context.getBytes(StandardCharsets.US_ASCII);
            this.keyLabel = keyLabel.getBytes(StandardCharsets.US_ASCII);
            this.sealsExpiry = sealsExpiry;
        }
    }

    /** A shared entry as opened: the credential and the instant it stops being usable anywhere. */
    static final class Opened {
        final StoredCredential credential;
        final Instant expiresAt;

        Opened(StoredCredential credential, Instant expiresAt) {
            this.credential = credential;
            this.expiresAt = expiresAt;
        }
    }

    /**
     * A credential to seal once and open on every miss, so that a miss costs the AES work of a hit. Its hash
     * never matches anything: it is never handed to a password check.
     */
    static StoredCredential decoy(String username) {
        return new StoredCredential(username, Optional.of("0"),
                "$2b$12$decoydecoydecoydecoydeOdecoydecoydecoydecoydecoydecoy", List.of("user"), true, Instant.EPOCH);
    }

    private final Format format;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** The local tier's format. */
    SealedCredentials(byte[] integrityKey) {
        this(integrityKey, Format.LOCAL);
    }

    SealedCredentials(byte[] integrityKey, Format format) {
        Objects.requireNonNull(integrityKey, "integrityKey");
        this.format = Objects.requireNonNull(format, "format");
        if (integrityKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("integrityKey must be at least " + MIN_KEY_BYTES + " bytes, is "
                    + integrityKey.length);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(integrityKey.clone(), "HmacSHA256"));
            this.key = new SecretKeySpec(mac.doFinal(format.keyLabel), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    /** Seals {@code credential} in the local format. */
    byte[] seal(StoredCredential credential) {
        requireFormat(Format.LOCAL);
        return sealWith(credential, null);
    }

    /** Seals {@code credential} in the shared format, usable until {@code expiresAt} and no longer. */
    byte[] seal(StoredCredential credential, Instant expiresAt) {
        requireFormat(Format.SHARED);
        return sealWith(credential, Objects.requireNonNull(expiresAt, "expiresAt"));
    }

    /**
     * The credential sealed in {@code sealed} (local format), or empty when the bytes were changed, are not in this
     * format, were sealed under another key, or belong to another username than {@code username}.
     */
    Optional<StoredCredential> open(String username, byte[] sealed) {
        requireFormat(Format.LOCAL);
        return openWith(username, sealed).map(opened -> opened.credential);
    }

    /** As {@link #open}, for the shared format: the credential and its sealed expiry. */
    Optional<Opened> openShared(String username, byte[] sealed) {
        requireFormat(Format.SHARED);
        return openWith(username, sealed);
    }

    private void requireFormat(Format expected) {
        if (format != expected) {
            throw new IllegalStateException("this codec seals the " + format + " format, not " + expected);
        }
    }

    private byte[] sealWith(StoredCredential credential, Instant expiresAt) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
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
            if (expiresAt != null) {
                out.writeLong(expiresAt.getEpochSecond());
                out.writeInt(expiresAt.getNano());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] plaintext = bytes.toByteArray();
        try {
            byte[] ciphertext = cipher(Cipher.ENCRYPT_MODE, nonce, credential.username()).doFinal(plaintext);
            byte[] sealed = new byte[1 + NONCE_BYTES + ciphertext.length];
            sealed[0] = format.version;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            System.arraycopy(ciphertext, 0, sealed, 1 + NONCE_BYTES, ciphertext.length);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is required of every Java runtime", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private Optional<Opened> openWith(String username, byte[] sealed) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != format.version) {
            return Optional.empty();
        }
        byte[] nonce = Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
        byte[] plaintext;
        try {
            plaintext = cipher(Cipher.DECRYPT_MODE, nonce, username)
                    .doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            return Optional.empty(); // edited, another key, or another username's entry
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is required of every Java runtime", e);
        }
        ByteBuffer in = ByteBuffer.wrap(plaintext);
        try {
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
            Instant expiresAt = format.sealsExpiry ? Instant.ofEpochSecond(in.getLong(), in.getInt()) : Instant.MAX;
            if (in.hasRemaining() || !name.equals(username)) {
                return Optional.empty();
            }
            return Optional.of(new Opened(new StoredCredential(name, id, hash, roles, enabled, confirmedAt), expiresAt));
        } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
            return Optional.empty(); // authentic bytes in a layout this version does not read: unusable
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String username) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(format.context);
        cipher.updateAAD(new byte[] {0});
        cipher.updateAAD(username.getBytes(StandardCharsets.UTF_8));
        return cipher;
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
