package dev.holdfast.bench;

import dev.holdfast.token.Rejection;
import dev.holdfast.token.Verification;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
 * What refusing a hostile token costs next to verifying a valid one: the size, shape and (for HMAC) MAC checks
 * run before jose4j parses anything, so a 1 MiB token or a deeply nested payload is refused for less than a
 * valid token costs (for RS256 too, where no MAC check can stop it: a one-pass nesting-depth scan does). The bare jose4j figures show what those checks save: jose4j parses the claims before it
 * checks the signature.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RejectionBenchmark {

    /** Deep enough to hurt a recursive parser, shallow enough that the token stays under 8 KiB. */
    private static final int NESTING_UNDER_8_KIB = 2_900;

    private SigningSetups hs256;
    private SigningSetups rs256;
    private String oneMebibyte;
    private String nested100k;
    private String badSignatureHs256;
    private String nestedForgedHs256;
    private String nestedForgedRs256;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        hs256 = SigningSetups.of("HS256");
        rs256 = SigningSetups.of("RS256");
        String hsHeader = hs256.token.substring(0, hs256.token.indexOf('.'));
        String rsHeader = rs256.token.substring(0, rs256.token.indexOf('.'));

        String padding = "a".repeat(1 << 20);
        oneMebibyte = hmacSigned(hsHeader, "{\"sub\":\"alice\",\"pad\":\"" + padding + "\"}");
        nested100k = hmacSigned(hsHeader, nestedArrays(100_000));
        String valid = hs256.token;
        char last = valid.charAt(valid.length() - 2);
        badSignatureHs256 = valid.substring(0, valid.length() - 2) + (last == 'A' ? 'B' : 'A') + valid.charAt(valid.length() - 1);
        String forgedMac = valid.substring(valid.lastIndexOf('.') + 1);
        nestedForgedHs256 = hsHeader + "." + b64(nestedArrays(NESTING_UNDER_8_KIB)) + "." + forgedMac;
        String forgedRsa = rs256.token.substring(rs256.token.lastIndexOf('.') + 1);
        nestedForgedRs256 = rsHeader + "." + b64(nestedArrays(NESTING_UNDER_8_KIB)) + "." + forgedRsa;

        expect(hs256.verifier.verify(oneMebibyte), Rejection.TOO_LARGE, "1 MiB token");
        expect(hs256.verifier.verify(nested100k), Rejection.TOO_LARGE, "100k-deep token");
        expect(hs256.verifier.verify(badSignatureHs256), Rejection.BAD_SIGNATURE, "bad HS256 signature");
        // the nesting-depth check refuses these before the MAC or jose4j's parser
        expect(hs256.verifier.verify(nestedForgedHs256), Rejection.MALFORMED, "forged nested HS256 token");
        expect(rs256.verifier.verify(nestedForgedRs256), Rejection.MALFORMED, "forged nested RS256 token");
        if (nestedForgedHs256.length() > 8 * 1024 || nestedForgedRs256.length() > 8 * 1024) {
            throw new IllegalStateException("nested tokens must stay under 8 KiB to reach the later checks");
        }
        if (!hs256.verifier.verify(hs256.token).isValid() || !rs256.verifier.verify(rs256.token).isValid()) {
            throw new IllegalStateException("setup: a valid token is refused");
        }
    }

    private static void expect(Verification verification, Rejection expected, String what) {
        if (verification.rejection().orElse(null) != expected) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + verification);
        }
    }

    private static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A correctly MACed token: the worst case, as if the attacker held the key or the check were skipped. */
    private static String hmacSigned(String header, String payloadJson) throws GeneralSecurityException {
        String input = header + "." + b64(payloadJson);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SigningSetups.HMAC_SECRET, "HmacSHA256"));
        byte[] signature = mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    @Benchmark
    public Object baselineValidHs256() {
        return hs256.verifier.verify(hs256.token);
    }

    @Benchmark
    public Object oneMebibyteToken() {
        return hs256.verifier.verify(oneMebibyte);
    }

    @Benchmark
    public Object nested100kDeep() {
        return hs256.verifier.verify(nested100k);
    }

    @Benchmark
    public Object badSignatureHs256() {
        return hs256.verifier.verify(badSignatureHs256);
    }

    @Benchmark
    public Object nestedForgedHs256() {
        return hs256.verifier.verify(nestedForgedHs256);
    }

    @Benchmark
    public Object baselineValidRs256() {
        return rs256.verifier.verify(rs256.token);
    }

    @Benchmark
    public Object nestedForgedRs256() {
        return rs256.verifier.verify(nestedForgedRs256);
    }

    /** Bare jose4j on the same 1 MiB token, for what the size check saves. */
    @Benchmark
    public Object jose4jOneMebibyteToken() {
        return jose4j(hs256, oneMebibyte);
    }

    /** Bare jose4j on the same correctly MACed 100k-deep token. */
    @Benchmark
    public Object jose4jNested100kDeep() {
        return jose4j(hs256, nested100k);
    }

    private static Object jose4j(SigningSetups setup, String token) {
        try {
            return setup.jose4jConsumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            return e.getErrorDetails();
        }
    }
}
