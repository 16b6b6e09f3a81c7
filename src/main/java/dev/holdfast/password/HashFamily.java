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

    /**
     * True when {@code storedHash}, which this family claims and which just {@linkplain Verdict#MATCH matched},
     * is weaker than {@code policy} asks of new hashes, so that it should be rehashed. False for a hash it
     * cannot parse.
     */
    boolean belowPolicy(String storedHash, HashPolicy policy);

    /**
     * True for a format far cheaper to verify than the default one (a plain digest): {@link PasswordVerifier}
     * adds the default-format work after verifying it, so that its users do not answer faster than others.
     */
    default boolean fast() {
        return false;
    }
}
