package dev.holdfast.password;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tomcat's {@code MessageDigestCredentialHandler} in its {@code salt$iterations$hash} form, read only when
 * {@code password.legacyFormats} is on: salt and hash in hex, the digest {@code H(salt || password)} (password
 * in UTF-8, Tomcat's default) then {@code iterations - 1} times {@code H(previous)}. Tomcat keeps the algorithm in
 * the handler's configuration, not in the row, so it is told by the hash's length: 16 bytes MD5, 20 SHA-1,
 * 32 SHA-256, 48 SHA-384, 64 SHA-512.
 *
 * <p>Bounds: salt 0 to 64 bytes, iterations 1 to {@value #MAX_ITERATIONS}. Below any policy: a fast digest.
 * Compared in constant time ({@link MessageDigest#isEqual}); {@link PasswordVerifier} adds the default-format
 * work after it.
 */
final class TomcatDigestHash implements HashFamily {

    static final int MAX_ITERATIONS = 1_000_000;
    private static final Pattern FORMAT = Pattern.compile("((?:[0-9a-fA-F]{2}){0,64})\\$([0-9]{1,7})\\$([0-9a-fA-F]{32,128})");

    @Override
    public String name() {
        return "tomcat-digest";
    }

    @Override
    public boolean claims(String storedHash) {
        return FORMAT.matcher(storedHash).matches();
    }

    @Override
    public Verdict verify(char[] password, byte[] passwordUtf8, String storedHash) {
        Matcher m = FORMAT.matcher(storedHash);
        if (!m.matches()) {
            return Verdict.malformed("not <hex salt>$<iterations>$<hex digest>");
        }
        int iterations = Integer.parseInt(m.group(2));
        if (iterations < 1) {
            return Verdict.malformed("iterations must be at least 1");
        }
        if (iterations > MAX_ITERATIONS) {
            return Verdict.overBound("iterations " + iterations + " are over the bound of " + MAX_ITERATIONS);
        }
        Optional<String> algorithm = m.group(3).length() % 2 == 0 ? algorithmFor(m.group(3).length() / 2) : Optional.empty();
        if (algorithm.isEmpty()) {
            return Verdict.malformed("a digest of " + m.group(3).length() + " hex digits is not MD5, SHA-1, SHA-256,"
                    + " SHA-384 or SHA-512");
        }
        byte[] expected = hex(m.group(3));
        MessageDigest digest = LdapDigestHash.digest(algorithm.get());
        digest.update(hex(m.group(1)));
        digest.update(passwordUtf8);
        byte[] computed = digest.digest();
        for (int i = 1; i < iterations; i++) {
            computed = digest.digest(computed);
        }
        try {
            return Verdict.of(MessageDigest.isEqual(computed, expected));
        } finally {
            Arrays.fill(computed, (byte) 0);
        }
    }

    @Override
    public boolean belowPolicy(String storedHash, HashPolicy policy) {
        return true;
    }

    @Override
    public boolean fast() {
        return true;
    }

    private static Optional<String> algorithmFor(int digestBytes) {
        switch (digestBytes) {
            case 16:
                return Optional.of("MD5");
            case 20:
                return Optional.of("SHA-1");
            case 32:
                return Optional.of("SHA-256");
            case 48:
                return Optional.of("SHA-384");
            case 64:
                return Optional.of("SHA-512");
            default:
                return Optional.empty();
        }
    }

    private static byte[] hex(String digits) {
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }
}
