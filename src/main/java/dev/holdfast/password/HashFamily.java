package dev.holdfast.password;

/**
 * One stored-hash format. Each implementation declares its prefix, its grammar and the bounds on the work
 * factors it will read from a stored hash, so a hostile row cannot make one login take minutes.
 * Implementations never throw for a malformed stored hash: they return {@link Verdict#malformed}.
 */
interface HashFamily {

    /** Short name for logs, e.g. {@code bcrypt}. */
    String name();

    /** True when {@code storedHash} starts with this family's prefix; the family then owns the verdict. */
    boolean claims(String storedHash);

    /**
     * Verifies a password against a stored hash this family {@linkplain #claims claims}.
     *
     * @param password     the password as typed (the JDK's PBKDF2 takes chars)
     * @param passwordUtf8 the same password as UTF-8 bytes (what bcrypt and Argon2 hash)
     */
    Verdict verify(char[] password, byte[] passwordUtf8, String storedHash);
}
