package dev.holdfast.bench;

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
 * One valid token per algorithm verified by Holdfast and by bare jose4j, auth0 java-jwt, nimbus-jose-jwt and
 * jjwt ({@link PeerVerifiers}). {@code holdfastFirstSight} runs with the cache off, so every call does the whole
 * verification a new token gets; {@code holdfastRepeated} with the cache on, as the filter runs. Run with
 * {@code -prof gc} for the bytes allocated per verification.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PeerComparisonBenchmark {

    @Param({"HS256", "RS256"})
    public String algorithm;

    private PeerVerifiers peers;

    @Setup(Level.Trial)
    public void setUp() {
        peers = PeerVerifiers.of(algorithm);
    }

    @Benchmark
    public Object holdfastFirstSight() {
        return peers.holdfastFirstSight();
    }

    @Benchmark
    public Object holdfastRepeated() {
        return peers.holdfastRepeated();
    }

    @Benchmark
    public Object jose4j() throws Exception {
        return peers.jose4j();
    }

    @Benchmark
    public Object auth0() {
        return peers.auth0();
    }

    @Benchmark
    public Object nimbus() throws Exception {
        return peers.nimbus();
    }

    @Benchmark
    public Object jjwt() {
        return peers.jjwt();
    }
}
