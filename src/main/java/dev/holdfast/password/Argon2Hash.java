package dev.holdfast.password;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;

import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2 PHC strings as the reference implementation writes them:
 * {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<tag>}, also {@code $argon2i$} and
 * {@code $argon2d$}; {@code v=16} or no {@code v=} is version 0x10. Salt and tag are standard Base64
 * without padding. {@code keyid=} and {@code data=} parameters are not read (there is no secret to use).
 *
 * <p>Bounds: m &le; {@value #MAX_MEMORY_KIB} KiB (64 MiB, argon2-cffi's and PHP's default), t &le;
 * {@value #MAX_PASSES}, m&middot;t &le; {@value #MAX_MEMORY_TIMES_PASSES} (64 MiB &times; 4 passes took
 * 0.26-1.8 s here, 2 cores, busy), p &le; {@value #MAX_LANES}, salt 8 to 64 bytes, tag 16 to 64 bytes.
 *
 * <p>password4j keeps one {@code Argon2Function} per parameter set for the life of the JVM, each holding
 * m KiB of zeroed blocks and its own thread pool. So that a table full of distinct parameter sets cannot
 * fill the heap, one verifier admits at most {@value #MAX_PARAMETER_SETS} distinct sets whose m add up to
 * at most {@value #MAX_ADMITTED_MEMORY_KIB} KiB (four sets at the 64 MiB bound; a deployment has one set
 * per change of its hashing policy); further sets never match and are reported as over the bound.
 */
final class Argon2Hash implements HashFamily {

    static final int MAX_MEMORY_KIB = 65_536;
    static final int MAX_PASSES = 10;
    static final long MAX_MEMORY_TIMES_PASSES = 4L * 65_536;
    static final int MAX_LANES = 16;
    static final int MAX_PARAMETER_SETS = 16;
    static final long MAX_ADMITTED_MEMORY_KIB = 4L * 65_536;

    private static final int VERSION_10 = 0x10;
    private static final int VERSION_13 = 0x13;

    private static final String NUMBER = "(0|[1-9][0-9]{0,9})";
    private static final Pattern FORMAT = Pattern.compile(
            "\\$argon2(id|i|d)(?:\\$v=" + NUMBER + ")?\\$m=" + NUMBER + ",t=" + NUMBER + ",p=" + NUMBER
                    + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

    private final int maxParameterSets;
    private final long maxAdmittedMemoryKib;
    private final Set<String> admittedParameterSets = ConcurrentHashMap.newKeySet();
    /** Sum of m over {@link #admittedParameterSets}; guarded by that set's monitor. */
    private long admittedMemoryKib;

    Argon2Hash() {
        this(MAX_PARAMETER_SETS, MAX_ADMITTED_MEMORY_KIB);
    }

    Argon2Hash(int maxParameterSets, long maxAdmittedMemoryKib) {
        this.maxParameterSets = maxParameterSets;
        this.maxAdmittedMemoryKib = maxAdmittedMemoryKib;
    }

    @Override
    public String name() {
        return "argon2";
    }

    @Override
    public boolean claims(String storedHash) {
        return storedHash.startsWith("$argon2id$") || storedHash.startsWith("$argon2i$")
                || storedHash.startsWith("$argon2d$");
    }

    @Override
    public Verdict verify(char[] password, byte[] passwordUtf8, String storedHash) {
        Matcher m = FORMAT.matcher(storedHash);
        if (!m.matches()) {
            return Verdict.malformed("not $argon2<type>$[v=N$]m=N,t=N,p=N$<salt>$<tag>");
        }
        Argon2 type = type(m.group(1));
        long version = m.group(2) == null ? VERSION_10 : Long.parseLong(m.group(2));
        long memory = Long.parseLong(m.group(3));
        long passes = Long.parseLong(m.group(4));
        long lanes = Long.parseLong(m.group(5));
        if (version != VERSION_10 && version != VERSION_13) {
            return Verdict.malformed("version " + version + " is not 16 or 19");
        }
        if (passes < 1 || lanes < 1 || memory < 8 * lanes) {
            return Verdict.malformed("needs t >= 1, p >= 1 and m >= 8p");
        }
        if (memory > MAX_MEMORY_KIB || passes > MAX_PASSES || lanes > MAX_LANES
                || memory * passes > MAX_MEMORY_TIMES_PASSES) {
            return Verdict.overBound("m=" + memory + ",t=" + passes + ",p=" + lanes + " is over the bound of m <= "
                    + MAX_MEMORY_KIB + ", t <= " + MAX_PASSES + ", m*t <= " + MAX_MEMORY_TIMES_PASSES
                    + ", p <= " + MAX_LANES);
        }
        Optional<byte[]> decodedSalt = Base64Fields.standardUnpadded(m.group(6));
        Optional<byte[]> decodedTag = Base64Fields.standardUnpadded(m.group(7));
        if (decodedSalt.isEmpty() || decodedTag.isEmpty()) {
            return Verdict.malformed("salt or tag is not standard Base64 without padding");
        }
        byte[] salt = decodedSalt.get();
        byte[] tag = decodedTag.get();
        if (salt.length < 8 || salt.length > 64 || tag.length < 16 || tag.length > 64) {
            return Verdict.malformed("needs a salt of 8 to 64 bytes and a tag of 16 to 64 bytes");
        }
        String parameterSet = type + "|" + version + "|" + memory + "|" + passes + "|" + lanes + "|" + tag.length;
        if (!admit(parameterSet, memory)) {
            return Verdict.overBound("m=" + memory + ",t=" + passes + ",p=" + lanes + " would be one parameter set "
                    + "more than " + maxParameterSets + " or " + maxAdmittedMemoryKib + " KiB of them");
        }
        Argon2Function function = Argon2Function.getInstance(
                (int) memory, (int) passes, (int) lanes, tag.length, type, (int) version);
        byte[] computed = function.hash(passwordUtf8, salt).getBytes();
        return Verdict.of(MessageDigest.isEqual(computed, tag));
    }

    @Override
    public boolean belowPolicy(String storedHash, HashPolicy policy) {
        Matcher m = FORMAT.matcher(storedHash);
        return m.matches() && (Long.parseLong(m.group(3)) < policy.argon2MemoryKib()
                || Long.parseLong(m.group(4)) < policy.argon2Passes());
    }

    private boolean admit(String parameterSet, long memoryKib) {
        if (admittedParameterSets.contains(parameterSet)) {
            return true;
        }
        synchronized (admittedParameterSets) {
            if (admittedParameterSets.contains(parameterSet)) {
                return true;
            }
            if (admittedParameterSets.size() >= maxParameterSets
                    || admittedMemoryKib + memoryKib > maxAdmittedMemoryKib) {
                return false;
            }
            admittedMemoryKib += memoryKib;
            admittedParameterSets.add(parameterSet);
            return true;
        }
    }

    private static Argon2 type(String name) {
        switch (name) {
            case "id":
                return Argon2.ID;
            case "i":
                return Argon2.I;
            default:
                return Argon2.D;
        }
    }
}
