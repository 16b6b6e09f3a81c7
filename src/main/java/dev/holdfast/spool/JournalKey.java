package dev.holdfast.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that authenticates journal records: HMAC-SHA256, derived with HKDF-SHA256 (RFC 5869) from a secret
 * of at least 32 bytes that is never stored in the spool directory (Holdfast passes {@code holdfast.spool.key}
 * or, by default, a subkey of its token signing key). Whoever can write the spool directory but does not know
 * the secret cannot make a record that replays.
 *
 * <p>{@link #id()} names the key without revealing it (the first 8 bytes of an HMAC of a fixed label under
 * it), so a record sealed under another key (after a key rotation) is told apart from one that was edited.
 */
public final class JournalKey {
    /**
     * What Holdfast asks its token keys for ({@code Keys.deriveSubkey}) when {@code holdfast.spool.key} is not
     * set; {@link SpoolCommand} asks the same.
     */
    public static final String SUBKEY_PURPOSE = "holdfast spool journal";
    /** Shortest secret accepted. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final byte[] SALT = "holdfast journal hkdf salt v2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "holdfast journal record mac v2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_LABEL = "holdfast journal key id".getBytes(StandardCharsets.US_ASCII);
    static final int MAC_BYTES = 32;

    private final SecretKeySpec key;
    private final long id;

    private JournalKey(byte[] derived) {
        this.key = new SecretKeySpec(derived, "HmacSHA256");
        this.id = ByteBuffer.wrap(newMac().doFinal(ID_LABEL)).getLong();
    }

    /**
     * The journal key derived from {@code secret}.
     *
     * @throws IllegalArgumentException when {@code secret} is shorter than {@value #MIN_SECRET_BYTES} bytes
     */
    public static JournalKey derive(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a journal secret must be at least " + MIN_SECRET_BYTES
                    + " bytes, is " + secret.length);
        }
        byte[] prk = hmac(SALT, secret);
        byte[] block = new byte[INFO.length + 1];
        System.arraycopy(INFO, 0, block, 0, INFO.length);
        block[INFO.length] = 1;
        return new JournalKey(hmac(prk, block));
    }

    /** Names this key; stored in each record, so a record sealed under another key can be recognised. */
    public long id() {
        return id;
    }

    /** A fresh HMAC-SHA256 under this key (a {@link Mac} is not thread-safe; one per record). */
    Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "JournalKey[id=" + String.format("%016x", id) + "]";
    }
}
