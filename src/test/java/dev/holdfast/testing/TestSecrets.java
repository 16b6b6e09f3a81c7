package dev.holdfast.testing;

import dev.holdfast.spool.JournalKey;
import java.security.SecureRandom;
import java.util.Base64;

/** Keys made fresh for each test run: no signing secret lives in the repository. */
public final class TestSecrets {
    private static final SecureRandom random = new SecureRandom();
    /** This JVM's spool secret, in the form {@code holdfast.spool.key} takes. */
    private static final String JOURNAL_SECRET = hmacSetting();

    private TestSecrets() {
    }

    /** A random 32-byte HMAC secret in the form {@code holdfast.jwt.secret} takes ({@code base64:...}). */
    public static String hmacSetting() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return "base64:" + Base64.getEncoder().encodeToString(secret);
    }

    /** 32 random bytes, e.g. the key Redis key names are hashed under. */
    public static byte[] randomKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    /** This JVM's journal secret as {@code holdfast.spool.key} (and {@code SpoolCommand --key-file}) take it. */
    public static String journalSecretSetting() {
        return JOURNAL_SECRET;
    }

    /** The journal key of {@link #journalSecretSetting()}: the same in every test of this JVM. */
    public static JournalKey journalKey() {
        return journalKey(JOURNAL_SECRET);
    }

    /** The journal key Holdfast derives from {@code holdfast.spool.key} = {@code setting} ({@code base64:...}). */
    public static JournalKey journalKey(String setting) {
        return JournalKey.derive(Base64.getDecoder().decode(setting.substring("base64:".length())));
    }
}
