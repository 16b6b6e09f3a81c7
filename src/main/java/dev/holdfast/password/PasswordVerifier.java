package dev.holdfast.password;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a password against a stored hash and hashes new passwords. One instance is built at deploy and
 * shared by every thread (and by both login endpoints: the Argon2 parameter-set budget is per instance).
 *
 * <p>Stored hashes read, each declared by one class: bcrypt {@code $2a$ $2b$ $2y$}
 * ({@link BcryptHash}), Argon2 PHC {@code $argon2id$ $argon2i$ $argon2d$} ({@link Argon2Hash}), PBKDF2
 * {@code $pbkdf2-sha256$ $pbkdf2-sha512$} in the PHC spelling and passlib's ({@link Pbkdf2Hash}), and
 * Django's {@code pbkdf2_sha256$} ({@link DjangoPbkdf2Hash}); and, only when the {@link HashPolicy} turns
 * legacy formats on, LDAP's {@code {SHA}}/{@code {SSHA}} family ({@link LdapDigestHash}) and Tomcat's
 * {@code salt$iterations$hash} ({@link TomcatDigestHash}), each followed by the default-format work so that
 * their users answer no faster than others. Anything else (null, empty, plain text, md5,
 * {@code $2x$}, malformed fields, work factors over the bounds each class documents) never matches and
 * never throws. A password that is not valid UTF-16 (a lone surrogate) never matches either: every family
 * hashes UTF-8 and there is no honest encoding of it. A stored hash that cannot be verified still costs one
 * default-format verify, so that a broken row does not show in the time a login takes.
 *
 * <p>Logging: the first hash of a kind that never matches (no format, malformed, over a bound) is a WARN
 * naming the family and the reason, never the hash; repeats are DEBUG.
 *
 * <p>New hashes are bcrypt {@code $2b$} at the policy's cost ({@code password.bcryptCost}, by default
 * {@value #DEFAULT_BCRYPT_COST}); the work an unknown user costs is one verify at that same cost, so stored
 * hashes at the policy's cost and unknown users take the same time. Measured here (2 cores, one
 * verify, JDK 17, other builds running): bcrypt cost 12 took 260-390 ms, Argon2id with OWASP's
 * m=19 MiB,t=2,p=1 took 40-260 ms. Argon2id would cost less CPU, but password4j's pure-Java Argon2
 * allocates 19 MiB per verify (ten concurrent logins churn 190 MiB) and keeps m KiB plus a thread pool per
 * parameter set for the life of the JVM; bcrypt works in 4 KiB, every stack can verify it, and cost 12
 * is OWASP's floor of 10 plus two doublings (about 3 verifies a second per core here). The price is
 * bcrypt's 72-byte limit: {@link #hash} refuses longer passwords rather than silently ignore the rest.
 */
public final class PasswordVerifier {

    static final int DEFAULT_BCRYPT_COST = HashPolicy.DEFAULT_BCRYPT_COST;

    private static final Logger log = LoggerFactory.getLogger(PasswordVerifier.class);

    private final BcryptHash bcrypt = new BcryptHash();
    private final List<HashFamily> families;
    private final HashPolicy policy;
    private final int bcryptCost;
    /** A default-format hash of a random password, for {@link #burnEquivalentWork}. */
    private final String dummyHash;
    /**
     * Moving averages of how long checks took here lately: every {@link #matches} and {@link #burnEquivalentWork},
     * and the default-format checks alone (the burns), both seeded with the time of making {@link #dummyHash}.
     * Updated without a lock: a lost update only drops one sample.
     */
    private volatile long typicalCheckNanos;
    private volatile long typicalBurnNanos;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public PasswordVerifier() {
        this(HashPolicy.DEFAULT);
    }

    /** With another bcrypt cost for new hashes and the burn; tests use 4 to stay quick. */
    PasswordVerifier(int bcryptCost) {
        this(HashPolicy.DEFAULT.withBcryptCost(bcryptCost));
    }

    /**
     * New hashes and the work of an unknown user at {@code policy}'s bcrypt cost; legacy formats read only when
     * the policy says so.
     */
    public PasswordVerifier(HashPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.bcryptCost = policy.bcryptCost();
        this.families = policy.legacyFormats()
                ? List.of(bcrypt, new Argon2Hash(), new Pbkdf2Hash(), new DjangoPbkdf2Hash(), new LdapDigestHash(),
                        new TomcatDigestHash())
                : List.of(bcrypt, new Argon2Hash(), new Pbkdf2Hash(), new DjangoPbkdf2Hash());
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        long started = System.nanoTime();
        this.dummyHash = bcrypt.hash(random, bcryptCost);
        this.typicalCheckNanos = System.nanoTime() - started;
        this.typicalBurnNanos = typicalCheckNanos;
        Arrays.fill(random, (byte) 0);
    }

    /**
     * True only when {@code storedHash} is in a supported format within its bounds and {@code password}
     * is the password it was made from. Never throws for any {@code storedHash}, including null.
     */
    public boolean matches(char[] password, String storedHash) {
        Objects.requireNonNull(password, "password");
        long started = System.nanoTime();
        try {
            return check(password, storedHash);
        } finally {
            observe(System.nanoTime() - started);
        }
    }

    private boolean check(char[] password, String storedHash) {
        if (storedHash == null || storedHash.isEmpty()) {
            log.debug("no stored password hash: never matches");
            burn(password);
            return false;
        }
        Optional<HashFamily> family = familyOf(storedHash);
        if (family.isEmpty()) {
            report("unknown", Verdict.malformed("no supported prefix ($2a$, $2b$, $2y$, $argon2id$, $argon2i$, "
                    + "$argon2d$, $pbkdf2-sha256$, $pbkdf2-sha512$, pbkdf2_sha256$)"));
            burn(password);
            return false;
        }
        Verdict verdict = verify(family.get(), password, storedHash);
        if (verdict.kind() == Verdict.Kind.MALFORMED || verdict.kind() == Verdict.Kind.OVER_BOUND) {
            report(family.get().name(), verdict);
            burn(password);
        } else if (family.get().fast()) {
            burn(password); // a plain digest must not answer faster than everyone else
        }
        return verdict.kind() == Verdict.Kind.MATCH;
    }

    /**
     * True when {@code storedHash}, which {@link #matches} just accepted, is weaker than this verifier's
     * {@link HashPolicy}: bcrypt under its cost, PBKDF2 under its iterations, Argon2 under its memory or passes,
     * or a legacy format. Such a hash is worth replacing by {@link #hash}. False for a hash no family reads.
     */
    public boolean needsRehash(String storedHash) {
        Objects.requireNonNull(storedHash, "storedHash");
        return familyOf(storedHash).map(f -> f.belowPolicy(storedHash, policy)).orElse(false);
    }

    /** The name of the family that reads {@code storedHash} ({@code bcrypt}, {@code ldap-digest}, ...), for logs. */
    public Optional<String> familyName(String storedHash) {
        Objects.requireNonNull(storedHash, "storedHash");
        return familyOf(storedHash).map(HashFamily::name);
    }

    public HashPolicy policy() {
        return policy;
    }

    /**
     * Spends the work of one {@link #matches} against a default-format hash, for a user who does not exist,
     * so that the time of a login does not tell who exists.
     */
    public void burnEquivalentWork(char[] password) {
        Objects.requireNonNull(password, "password");
        long started = System.nanoTime();
        check(password, dummyHash); // the same steps as matches() takes for a stored default-format hash
        long took = System.nanoTime() - started;
        observe(took);
        typicalBurnNanos = averaged(typicalBurnNanos, took);
    }

    private void burn(char[] password) {
        verify(bcrypt, password, dummyHash);
    }

    /**
     * How long one check takes on this machine lately, for the room a login leaves after its database call for the
     * check that follows it: the longer of the checks' average and the default-format check's (what an unknown
     * user costs, which cheaper stored hashes must not talk down).
     */
    public Duration typicalCheck() {
        return Duration.ofNanos(Math.max(typicalCheckNanos, typicalBurnNanos));
    }

    private void observe(long nanos) {
        typicalCheckNanos = averaged(typicalCheckNanos, nanos);
    }

    /** An average over about the last eight checks: quick to follow a loaded machine, steady against one spike. */
    private static long averaged(long typical, long sample) {
        return typical + (sample - typical) / 8;
    }

    /**
     * A new hash in the default format, bcrypt {@code $2b$} at the policy's cost (by default
     * {@value #DEFAULT_BCRYPT_COST}), with a fresh salt.
     *
     * @throws IllegalArgumentException when the password is longer than 72 bytes in UTF-8 (bcrypt would
     *                                  ignore the rest) or is not valid UTF-16
     */
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        Optional<byte[]> utf8 = utf8(password);
        if (utf8.isEmpty()) {
            throw new IllegalArgumentException("password is not valid UTF-16 (a lone surrogate)");
        }
        try {
            return bcrypt.hash(utf8.get(), bcryptCost);
        } finally {
            Arrays.fill(utf8.get(), (byte) 0);
        }
    }

    /** The hash {@link #burnEquivalentWork} verifies against; for tests that it is a default-format hash. */
    String dummyHash() {
        return dummyHash;
    }

    /** The family that owns a stored hash by its prefix. */
    Optional<HashFamily> familyOf(String storedHash) {
        return families.stream().filter(f -> f.claims(storedHash)).findFirst();
    }

    private static Verdict verify(HashFamily family, char[] password, String storedHash) {
        Optional<byte[]> utf8 = utf8(password);
        if (utf8.isEmpty()) {
            log.debug("password is not valid UTF-16: never matches");
            return Verdict.MISMATCH;
        }
        try {
            return family.verify(password, utf8.get(), storedHash);
        } finally {
            Arrays.fill(utf8.get(), (byte) 0);
        }
    }

    private void report(String familyName, Verdict verdict) {
        String message = "a stored password hash never matches: " + familyName + " " + verdict;
        if (warned.add(familyName + "|" + verdict.kind())) {
            log.warn("{}; that user cannot log in until the hash is replaced (further ones at DEBUG)", message);
        } else {
            log.debug(message);
        }
    }

    /** UTF-8 bytes of the password, or empty when it holds a lone surrogate. The caller wipes them. */
    private static Optional<byte[]> utf8(char[] password) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer;
        try {
            buffer = encoder.encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException loneSurrogate) {
            return Optional.empty();
        }
        byte[] bytes = Arrays.copyOf(buffer.array(), buffer.limit());
        Arrays.fill(buffer.array(), (byte) 0);
        return Optional.of(bytes);
    }
}
