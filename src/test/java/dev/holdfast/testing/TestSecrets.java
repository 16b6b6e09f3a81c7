package dev.holdfast.testing;

import java.security.SecureRandom;
import java.util.Base64;

/** Keys made fresh for each test run: no signing secret lives in the repository. */
public final class TestSecrets {
    private static final SecureRandom random = new SecureRandom();

    private TestSecrets() {
    }

    /** A random 32-byte HMAC secret in the form {@code holdfast.jwt.secret} takes ({@code base64:...}). */
    public static String hmacSetting() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return "base64:" + Base64.getEncoder().encodeToString(secret);
    }
}
