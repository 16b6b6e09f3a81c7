package dev.holdfast.bench;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code TokenVerifier.verify} on a valid token per algorithm, against two baselines measured in the same
 * run: a bare {@link Mac} over the same signing input (the floor for HS256), and bare jose4j with its
 * recommended access-token settings (what our pre-checks and claim rules cost on top of the library).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TokenVerifierBenchmark {

    private SigningSetups hs256;
    private SigningSetups rs256;
    private SigningSetups es256;
    private SigningSetups eddsa;

    @Setup(Level.Trial)
    public void setUp() {
        hs256 = SigningSetups.of("HS256");
        rs256 = SigningSetups.of("RS256");
        es256 = SigningSetups.of("ES256");
        eddsa = SigningSetups.of("EdDSA");
        for (SigningSetups setup : new SigningSetups[] {hs256, rs256, es256, eddsa}) {
            if (!setup.verifier.verify(setup.token).isValid()) {
                throw new IllegalStateException(setup.algorithm + " token does not verify: " + setup.verifier.verify(setup.token));
            }
            try {
                setup.jose4jConsumer.processToClaims(setup.token);
            } catch (InvalidJwtException e) {
                throw new IllegalStateException(setup.algorithm + " token is refused by bare jose4j (error codes "
                        + e.getErrorDetails() + ")");
            }
        }
    }

    /** One Mac per thread, keyed once, as a hand-written HS256 check would hold it. */
    @State(Scope.Thread)
    public static class BareHmac {
        Mac mac;
        byte[] signingInput;
        byte[] signature;

        @Setup(Level.Trial)
        public void setUp(TokenVerifierBenchmark outer) throws GeneralSecurityException {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SigningSetups.HMAC_SECRET, "HmacSHA256"));
            String token = outer.hs256.token;
            signingInput = SigningSetups.signingInput(token);
            signature = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
        }
    }

    @Benchmark
    public boolean baselineBareHmacSha256(BareHmac bare) {
        return MessageDigest.isEqual(bare.mac.doFinal(bare.signingInput), bare.signature);
    }

    @Benchmark
    public Object holdfastHs256() {
        return hs256.verifier.verify(hs256.token);
    }

    @Benchmark
    public JwtClaims jose4jHs256() throws InvalidJwtException {
        return hs256.jose4jConsumer.processToClaims(hs256.token);
    }

    @Benchmark
    public Object holdfastRs256() {
        return rs256.verifier.verify(rs256.token);
    }

    @Benchmark
    public JwtClaims jose4jRs256() throws InvalidJwtException {
        return rs256.jose4jConsumer.processToClaims(rs256.token);
    }

    @Benchmark
    public Object holdfastEs256() {
        return es256.verifier.verify(es256.token);
    }

    @Benchmark
    public JwtClaims jose4jEs256() throws InvalidJwtException {
        return es256.jose4jConsumer.processToClaims(es256.token);
    }

    @Benchmark
    public Object holdfastEdDsa() {
        return eddsa.verifier.verify(eddsa.token);
    }

    @Benchmark
    public JwtClaims jose4jEdDsa() throws InvalidJwtException {
        return eddsa.jose4jConsumer.processToClaims(eddsa.token);
    }
}
