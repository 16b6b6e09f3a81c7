package dev.holdfast.password;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bcrypt as OpenBSD and crypt_blowfish write it: {@code $2a$}, {@code $2b$} or {@code $2y$}, a two-digit
 * cost, 22 characters of salt and 31 of checksum in bcrypt's own base64 ({@code ./A-Za-z0-9}). The password
 * is hashed as UTF-8; like every bcrypt, only its first 72 bytes count. {@code $2x$} (crypt_blowfish's
 * compatibility mode for its old sign-extension bug) and the prefix-less {@code $2$} are not read.
 *
 * <p>All three prefixes are computed as {@code $2b$}. For a UTF-8 password they are the same function
 * everywhere (OpenBSD, crypt_blowfish, jBCrypt/Spring, pyca): crypt_blowfish's {@code $2a$} countermeasure
 * only fires when a {@code 0xFF} byte precedes a high byte, and UTF-8 has no {@code 0xFF}. password4j 1.8.4
 * fires that countermeasure for almost any non-ASCII {@code $2a$} password (it never computes the
 * sign-extended words it compares against), so its {@code $2a$} would refuse such users.
 *
 * <p>Bound: cost 4 to {@value #MAX_COST}. Each step doubles the work; here (2 cores, busy) cost 12 took
 * 260-290 ms and cost {@value #MAX_COST} 1.3-2.0 s, so a stored cost of 31 (days) never runs.
 */
final class BcryptHash implements HashFamily {

    static final int MIN_COST = 4;
    static final int MAX_COST = 14;
    /** bcrypt reads at most this many bytes of the password. */
    static final int MAX_PASSWORD_BYTES = 72;

    private static final Pattern FORMAT =
            Pattern.compile("\\$2[aby]\\$([0-9]{2})\\$[./A-Za-z0-9]{22}([./A-Za-z0-9]{31})");
    /** {@code $2b$12$} plus 22 characters of salt. */
    private static final int SALT_END = 29;

    @Override
    public String name() {
        return "bcrypt";
    }

    @Override
    public boolean claims(String storedHash) {
        return storedHash.startsWith("$2a$") || storedHash.startsWith("$2b$") || storedHash.startsWith("$2y$");
    }

    @Override
    public Verdict verify(char[] password, byte[] passwordUtf8, String storedHash) {
        Matcher m = FORMAT.matcher(storedHash);
        if (!m.matches()) {
            return Verdict.malformed("not $2?$NN$ followed by 53 characters of bcrypt base64");
        }
        int cost = Integer.parseInt(m.group(1));
        if (cost < MIN_COST) {
            return Verdict.malformed("cost " + cost + " is under " + MIN_COST);
        }
        if (cost > MAX_COST) {
            return Verdict.overBound("cost " + cost + " is over the bound of " + MAX_COST);
        }
        byte[] saltPrefix = ("$2b$" + storedHash.substring(4, SALT_END)).getBytes(StandardCharsets.US_ASCII);
        String computed = BcryptFunction.getInstance(Bcrypt.B, cost).hash(passwordUtf8, saltPrefix).getResult();
        // Compare the checksums only: a salt whose last character carries non-zero padding bits decodes to
        // the same bytes but is re-encoded canonically, and the salt is public anyway.
        return Verdict.of(MessageDigest.isEqual(
                checksum(computed), m.group(2).getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public boolean belowPolicy(String storedHash, HashPolicy policy) {
        Matcher m = FORMAT.matcher(storedHash);
        return m.matches() && Integer.parseInt(m.group(1)) < policy.bcryptCost();
    }

    /** A new {@code $2b$} hash with a fresh random salt. */
    String hash(byte[] passwordUtf8, int cost) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("cost must be " + MIN_COST + " to " + MAX_COST + ": " + cost);
        }
        if (passwordUtf8.length > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("bcrypt reads only the first " + MAX_PASSWORD_BYTES
                    + " bytes of a password; this one has " + passwordUtf8.length + " in UTF-8");
        }
        return BcryptFunction.getInstance(Bcrypt.B, cost).hash(passwordUtf8).getResult();
    }

    private static byte[] checksum(String bcryptHash) {
        return bcryptHash.substring(bcryptHash.length() - 31).getBytes(StandardCharsets.US_ASCII);
    }
}
