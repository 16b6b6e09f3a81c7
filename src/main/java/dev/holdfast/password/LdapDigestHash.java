package dev.holdfast.password;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * LDAP's digest schemes (RFC 2307 and OpenLDAP's and 389 Directory Server's SHA-2 forms), read only when
 * {@code password.legacyFormats} is on: {@code {SHA}} and {@code {SHA256}}/{@code {SHA512}} hold the Base64
 * digest of the UTF-8 password; {@code {SSHA}}, {@code {SSHA256}} and {@code {SSHA512}} hold the Base64 of
 * {@code digest(password || salt) || salt}. The scheme name is case-insensitive, as in LDAP.
 *
 * <p>These are one fast digest each: a stolen table falls to a GPU in hours. They are read so that such a table
 * can be moved to bcrypt by logging in ({@code sql.updateHash}); every one is below any policy. The comparison is
 * constant-time ({@link MessageDigest#isEqual}), and {@link PasswordVerifier} adds the default-format work after
 * it, so that these users do not answer faster than others. Salt: 1 to 64 bytes.
 */
final class LdapDigestHash implements HashFamily {

    private static final String[][] SCHEMES = {
        {"{SSHA512}", "SHA-512"}, {"{SSHA256}", "SHA-256"}, {"{SSHA}", "SHA-1"},
        {"{SHA512}", "SHA-512"}, {"{SHA256}", "SHA-256"}, {"{SHA}", "SHA-1"},
    };
    static final int MAX_SALT_BYTES = 64;

    @Override
    public String name() {
        return "ldap-digest";
    }

    @Override
    public boolean claims(String storedHash) {
        return scheme(storedHash).isPresent();
    }

    @Override
    public Verdict verify(char[] password, byte[] passwordUtf8, String storedHash) {
        String[] scheme = scheme(storedHash).orElseThrow();
        boolean salted = scheme[0].startsWith("{SS");
        Optional<byte[]> decoded = Base64Fields.standardPadded(storedHash.substring(scheme[0].length()));
        if (decoded.isEmpty()) {
            return Verdict.malformed("not standard Base64 with padding after " + scheme[0]);
        }
        MessageDigest digest = digest(scheme[1]);
        int length = digest.getDigestLength();
        byte[] stored = decoded.get();
        int saltLength = stored.length - length;
        if (salted ? saltLength < 1 || saltLength > MAX_SALT_BYTES : saltLength != 0) {
            return Verdict.malformed(scheme[0] + " needs a " + length + "-byte digest"
                    + (salted ? " and a salt of 1 to " + MAX_SALT_BYTES + " bytes" : " and nothing else"));
        }
        digest.update(passwordUtf8);
        digest.update(stored, length, saltLength);
        byte[] computed = digest.digest();
        try {
            return Verdict.of(MessageDigest.isEqual(computed, Arrays.copyOf(stored, length)));
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

    private static Optional<String[]> scheme(String storedHash) {
        if (!storedHash.startsWith("{")) {
            return Optional.empty();
        }
        String upper = storedHash.substring(0, Math.min(storedHash.length(), 9)).toUpperCase(Locale.ROOT);
        for (String[] scheme : SCHEMES) {
            if (upper.startsWith(scheme[0])) {
                return Optional.of(scheme);
            }
        }
        return Optional.empty();
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            // MD5, SHA-1, SHA-256, SHA-384 and SHA-512 are required of every Java SE runtime.
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }
}
