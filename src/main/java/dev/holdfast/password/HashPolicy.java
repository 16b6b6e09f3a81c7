package dev.holdfast.password;

/**
 * How passwords are hashed now, and what a stored hash must at least be for Holdfast to leave it alone.
 *
 * <p>New hashes (and the work an unknown user costs) are bcrypt {@code $2b$} at {@link #bcryptCost()}. A stored
 * hash the database verified is <em>below the policy</em>, and is rehashed when {@code sql.updateHash} is set,
 * when it is bcrypt under that cost, PBKDF2 under {@link #pbkdf2Iterations()}, Argon2 under
 * {@link #argon2MemoryKib()} or {@link #argon2Passes()}, or in a legacy format at all. Legacy formats (LDAP
 * {@code {SHA}}/{@code {SSHA}} and their SHA-2 forms, Tomcat's {@code salt$iterations$hash}) are read only when
 * {@link #legacyFormats()} is on. Immutable.
 */
public final class HashPolicy {
    /** OWASP's floor is 10; two doublings above it (about 0.26 s here). */
    public static final int DEFAULT_BCRYPT_COST = 12;
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_PBKDF2_ITERATIONS = 600_000;
    /** OWASP's Argon2id configuration m=19 MiB, t=2, p=1. */
    public static final int DEFAULT_ARGON2_MEMORY_KIB = 19_456;
    public static final int DEFAULT_ARGON2_PASSES = 2;

    /** The defaults: bcrypt cost 12, PBKDF2 600,000 iterations, Argon2 m=19456,t=2, legacy formats off. */
    public static final HashPolicy DEFAULT = new HashPolicy(DEFAULT_BCRYPT_COST, DEFAULT_PBKDF2_ITERATIONS,
            DEFAULT_ARGON2_MEMORY_KIB, DEFAULT_ARGON2_PASSES, false);

    private final int bcryptCost;
    private final int pbkdf2Iterations;
    private final int argon2MemoryKib;
    private final int argon2Passes;
    private final boolean legacyFormats;

    /**
     * @throws IllegalArgumentException when a value is outside what the hash families read (bcrypt cost 4 to
     *                                  14, PBKDF2 1 to 3,000,000, Argon2 m 8 to 65,536 KiB and t 1 to 10)
     */
    public HashPolicy(int bcryptCost, int pbkdf2Iterations, int argon2MemoryKib, int argon2Passes,
                      boolean legacyFormats) {
        requireRange("bcryptCost", bcryptCost, BcryptHash.MIN_COST, BcryptHash.MAX_COST);
        requireRange("pbkdf2Iterations", pbkdf2Iterations, 1, Pbkdf2Hash.MAX_ITERATIONS_SHA256);
        requireRange("argon2MemoryKib", argon2MemoryKib, 8, Argon2Hash.MAX_MEMORY_KIB);
        requireRange("argon2Passes", argon2Passes, 1, Argon2Hash.MAX_PASSES);
        this.bcryptCost = bcryptCost;
        this.pbkdf2Iterations = pbkdf2Iterations;
        this.argon2MemoryKib = argon2MemoryKib;
        this.argon2Passes = argon2Passes;
        this.legacyFormats = legacyFormats;
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": " + value);
        }
    }

    /** The same policy with another bcrypt cost. */
    public HashPolicy withBcryptCost(int cost) {
        return new HashPolicy(cost, pbkdf2Iterations, argon2MemoryKib, argon2Passes, legacyFormats);
    }

    /** The same policy with legacy formats read or not. */
    public HashPolicy withLegacyFormats(boolean on) {
        return new HashPolicy(bcryptCost, pbkdf2Iterations, argon2MemoryKib, argon2Passes, on);
    }

    public int bcryptCost() {
        return bcryptCost;
    }

    public int pbkdf2Iterations() {
        return pbkdf2Iterations;
    }

    public int argon2MemoryKib() {
        return argon2MemoryKib;
    }

    public int argon2Passes() {
        return argon2Passes;
    }

    public boolean legacyFormats() {
        return legacyFormats;
    }

    @Override
    public String toString() {
        return "HashPolicy[bcryptCost=" + bcryptCost + ", pbkdf2Iterations=" + pbkdf2Iterations + ", argon2MemoryKib="
                + argon2MemoryKib + ", argon2Passes=" + argon2Passes + ", legacyFormats=" + legacyFormats + "]";
    }
}
