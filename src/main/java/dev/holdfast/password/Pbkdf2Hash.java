package dev.holdfast.password;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2 with HMAC-SHA-256 or HMAC-SHA-512 in the two spellings that begin {@code $pbkdf2-sha256$} or
 * {@code $pbkdf2-sha512$}:
 * <ul>
 * <li>the PHC string (RustCrypto's {@code pbkdf2} crate writes it):
 *     {@code $pbkdf2-sha256$i=<iterations>[,l=<hash bytes>]$<salt>$<hash>}, salt and hash in standard
 *     Base64 without padding;</li>
 * <li>passlib's {@code pbkdf2_sha256}/{@code pbkdf2_sha512}: {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>},
 *     salt and hash in passlib's "adapted base64" (standard alphabet with {@code .} for {@code +}, no padding).</li>
 * </ul>
 * The salt is the decoded bytes, the password is UTF-8, the derived length is the stored hash's length.
 *
 * <p>Bounds: iterations 1 to {@value #MAX_ITERATIONS_SHA256} for SHA-256 (0.75-1.4 s here, 2 cores, busy;
 * Django 6 writes 1,200,000) and 1 to {@value #MAX_ITERATIONS_SHA512} for SHA-512 (0.9-1.0 s);
 * salt 1 to 64 bytes; hash 16 to 64 bytes. The derivation is the JDK's
 * {@code PBKDF2WithHmacSHA256}/{@code 512}.
 */
final class Pbkdf2Hash implements HashFamily {

    static final int MAX_ITERATIONS_SHA256 = 3_000_000;
    static final int MAX_ITERATIONS_SHA512 = 1_000_000;

    private static final Pattern FORMAT = Pattern.compile(
            "\\$pbkdf2-(sha256|sha512)\\$(?:i=([0-9]{1,10})(?:,l=([0-9]{1,3}))?|([0-9]{1,10}))\\$([^$]+)\\$([^$]+)");

    @Override
    public String name() {
        return "pbkdf2";
    }

    @Override
    public boolean claims(String storedHash) {
        return storedHash.startsWith("$pbkdf2-sha256$") || storedHash.startsWith("$pbkdf2-sha512$");
    }

    @Override
    public Verdict verify(char[] password, byte[] passwordUtf8, String storedHash) {
        Matcher m = FORMAT.matcher(storedHash);
        if (!m.matches()) {
            return Verdict.malformed("not $pbkdf2-<sha256|sha512>$<i=N|N>$<salt>$<hash>");
        }
        boolean sha512 = m.group(1).equals("sha512");
        boolean phc = m.group(2) != null;
        long iterations = Long.parseLong(phc ? m.group(2) : m.group(4));
        Optional<byte[]> salt = phc ? Base64Fields.standardUnpadded(m.group(5)) : Base64Fields.adaptedUnpadded(m.group(5));
        Optional<byte[]> hash = phc ? Base64Fields.standardUnpadded(m.group(6)) : Base64Fields.adaptedUnpadded(m.group(6));
        if (salt.isEmpty() || hash.isEmpty()) {
            return Verdict.malformed(phc ? "salt or hash is not standard Base64 without padding"
                    : "salt or hash is not passlib's adapted Base64");
        }
        if (m.group(3) != null && Integer.parseInt(m.group(3)) != hash.get().length) {
            return Verdict.malformed("l= is not the length of the hash");
        }
        return derivedMatches(sha512 ? "PBKDF2WithHmacSHA512" : "PBKDF2WithHmacSHA256",
                sha512 ? MAX_ITERATIONS_SHA512 : MAX_ITERATIONS_SHA256,
                password, salt.get(), iterations, hash.get());
    }

    @Override
    public boolean belowPolicy(String storedHash, HashPolicy policy) {
        Matcher m = FORMAT.matcher(storedHash);
        return m.matches() && Long.parseLong(m.group(2) != null ? m.group(2) : m.group(4)) < policy.pbkdf2Iterations();
    }

    /**
     * Checks the bounds, derives {@code expected.length} bytes with the JDK's PBKDF2 and compares them in
     * constant time. Shared with {@link DjangoPbkdf2Hash}.
     */
    static Verdict derivedMatches(String jdkAlgorithm, int maxIterations, char[] password, byte[] salt,
                                  long iterations, byte[] expected) {
        if (iterations < 1) {
            return Verdict.malformed("iterations must be at least 1");
        }
        if (iterations > maxIterations) {
            return Verdict.overBound("iterations " + iterations + " are over the bound of " + maxIterations);
        }
        if (salt.length < 1 || salt.length > 64 || expected.length < 16 || expected.length > 64) {
            return Verdict.malformed("needs a salt of 1 to 64 bytes and a hash of 16 to 64 bytes");
        }
        PBEKeySpec spec = new PBEKeySpec(password, salt, (int) iterations, expected.length * 8);
        byte[] derived = new byte[0];
        try {
            derived = factory(jdkAlgorithm).generateSecret(spec).getEncoded();
            return Verdict.of(MessageDigest.isEqual(derived, expected));
        } catch (GeneralSecurityException e) {
            // PBEKeySpec was checked above; the JDK refuses nothing else here.
            throw new IllegalStateException(jdkAlgorithm + " refused a checked key spec", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(derived, (byte) 0);
        }
    }

    private static SecretKeyFactory factory(String jdkAlgorithm) {
        try {
            return SecretKeyFactory.getInstance(jdkAlgorithm);
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE 8+ runtime has both (JDK-8 security requirements).
            throw new IllegalStateException(jdkAlgorithm + " is missing from this JDK", e);
        }
    }
}
