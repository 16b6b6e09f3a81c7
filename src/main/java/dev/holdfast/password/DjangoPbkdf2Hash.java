package dev.holdfast.password;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Django's {@code PBKDF2PasswordHasher}: {@code pbkdf2_sha256$<iterations>$<salt>$<hash>}. The salt is plain
 * text used as its UTF-8 bytes (Django generates letters and digits and never writes {@code $} in it); the
 * hash is standard Base64 with padding of 32 bytes of PBKDF2-HMAC-SHA-256.
 *
 * <p>Bounds as {@link Pbkdf2Hash} for SHA-256: iterations 1 to
 * {@value Pbkdf2Hash#MAX_ITERATIONS_SHA256} (Django 6.0 writes 1,200,000).
 * Django's {@code pbkdf2_sha1} and other hashers are not read.
 */
final class DjangoPbkdf2Hash implements HashFamily {

    private static final Pattern FORMAT = Pattern.compile("pbkdf2_sha256\\$([0-9]{1,10})\\$([^$]+)\\$([^$]+)");

    @Override
    public String name() {
        return "django-pbkdf2";
    }

    @Override
    public boolean claims(String storedHash) {
        return storedHash.startsWith("pbkdf2_sha256$");
    }

    @Override
    public Verdict verify(char[] password, byte[] passwordUtf8, String storedHash) {
        Matcher m = FORMAT.matcher(storedHash);
        if (!m.matches()) {
            return Verdict.malformed("not pbkdf2_sha256$<iterations>$<salt>$<hash>");
        }
        Optional<byte[]> hash = Base64Fields.standardPadded(m.group(3));
        if (hash.isEmpty()) {
            return Verdict.malformed("hash is not standard Base64 with padding");
        }
        return Pbkdf2Hash.derivedMatches("PBKDF2WithHmacSHA256", Pbkdf2Hash.MAX_ITERATIONS_SHA256, password,
                m.group(2).getBytes(StandardCharsets.UTF_8), Long.parseLong(m.group(1)), hash.get());
    }

    @Override
    public boolean belowPolicy(String storedHash, HashPolicy policy) {
        Matcher m = FORMAT.matcher(storedHash);
        return m.matches() && Long.parseLong(m.group(1)) < policy.pbkdf2Iterations();
    }
}
