package dev.holdfast.bench;

import dev.holdfast.password.HashPolicy;
import dev.holdfast.password.PasswordVerifier;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * bcrypt at the default cost: a known user's check, right or wrong password, against the work burnt for an
 * unknown user. The two should cost the same (ratio about 1.0), else a login's time tells who exists.
 * {@code -p cost=10,12} gives the per-core login rate at each bcrypt cost (docs/operations.md, Sizing).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class PasswordVerifierBenchmark {

    /** bcrypt cost of the stored hash and of the unknown-user burn (the default, 12, unless {@code -p cost=...}). */
    @Param({"12"})
    public int cost = HashPolicy.DEFAULT_BCRYPT_COST;

    private final char[] password = "correct horse battery staple".toCharArray();
    private final char[] wrong = "correct horse battery stapler".toCharArray();
    private PasswordVerifier verifier;
    private String storedHash;

    @Setup(Level.Trial)
    public void setUp() {
        verifier = new PasswordVerifier(HashPolicy.DEFAULT.withBcryptCost(cost));
        storedHash = verifier.hash(password);
        if (!verifier.matches(password, storedHash) || verifier.matches(wrong, storedHash)) {
            throw new IllegalStateException("setup: the stored hash does not behave");
        }
    }

    @Benchmark
    public boolean baselineKnownUserRightPassword() {
        return verifier.matches(password, storedHash);
    }

    @Benchmark
    public boolean knownUserWrongPassword() {
        return verifier.matches(wrong, storedHash);
    }

    @Benchmark
    public void unknownUserBurn() {
        verifier.burnEquivalentWork(password);
    }
}
