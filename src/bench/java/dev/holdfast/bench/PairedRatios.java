package dev.holdfast.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The same comparisons as the JMH benchmarks, measured interleaved: short blocks of the baseline and of the
 * measured operation alternate (order swapped every round) for a few seconds, and the median of the per-round
 * ratios is reported. JMH runs one benchmark after another, so on a machine shared with other work its ratios
 * move with the load between benchmarks; alternating blocks tens of milliseconds long cancel most of that.
 *
 * <pre>java -cp ... dev.holdfast.bench.PairedRatios [regex over the pair names]</pre>
 */
public final class PairedRatios {

    private static final long BLOCK_NANOS = 20_000_000L;   // one block of one side: about 20 ms
    private static final long PAIR_NANOS = 4_000_000_000L; // measuring time per pair
    private static final long WARMUP_NANOS = 1_500_000_000L;
    private static final int MIN_ROUNDS = 15; // bcrypt: one operation per block, so at least 15 blocks each

    @FunctionalInterface
    interface Operation {
        Object run() throws Exception;
    }

    private static final class Pair {
        final String name;
        final String baselineName;
        final Operation baseline;
        final String measuredName;
        final Operation measured;

        Pair(String name, String baselineName, Operation baseline, String measuredName, Operation measured) {
            this.name = name;
            this.baselineName = baselineName;
            this.baseline = baseline;
            this.measuredName = measuredName;
            this.measured = measured;
        }
    }

    /** Defeats dead-code elimination: every result feeds this, and it is printed. */
    private static int sink;

    private PairedRatios() {
    }

    public static void main(String[] args) throws Exception {
        Pattern filter = Pattern.compile(args.length > 0 ? args[0] : ".*");
        TokenVerifierBenchmark tokens = new TokenVerifierBenchmark();
        tokens.setUp();
        TokenVerifierBenchmark.BareHmac bare = new TokenVerifierBenchmark.BareHmac();
        bare.setUp(tokens);
        RejectionBenchmark rejections = new RejectionBenchmark();
        rejections.setUp();
        FilterBenchmark filter2 = new FilterBenchmark();
        filter2.setUp();
        PasswordVerifierBenchmark passwords = new PasswordVerifierBenchmark();
        passwords.setUp();

        List<Pair> pairs = new ArrayList<>();
        for (String alg : List.of("HS256", "RS256")) {
            PeerVerifiers peers = PeerVerifiers.of(alg);
            String a = alg.toLowerCase(Locale.ROOT);
            List<Pair> peerPairs = List.of(
                    new Pair(a + "-first-vs-jose4j", "bare jose4j " + alg, peers::jose4j, "holdfast first sight", peers::holdfastFirstSight),
                    new Pair(a + "-first-vs-auth0", "auth0 java-jwt " + alg, peers::auth0, "holdfast first sight", peers::holdfastFirstSight),
                    new Pair(a + "-first-vs-nimbus", "nimbus " + alg, peers::nimbus, "holdfast first sight", peers::holdfastFirstSight),
                    new Pair(a + "-first-vs-jjwt", "jjwt " + alg, peers::jjwt, "holdfast first sight", peers::holdfastFirstSight),
                    new Pair(a + "-repeat-vs-auth0", "auth0 java-jwt " + alg, peers::auth0, "holdfast repeated", peers::holdfastRepeated),
                    new Pair(a + "-repeat-vs-nimbus", "nimbus " + alg, peers::nimbus, "holdfast repeated", peers::holdfastRepeated),
                    new Pair(a + "-repeat-vs-first", "holdfast first sight", peers::holdfastFirstSight, "holdfast repeated",
                            peers::holdfastRepeated));
            pairs.addAll(peerPairs);
            if (alg.equals("RS256")) {
                pairs.add(new Pair("rs256-first-vs-bare-rsa", "bare JDK SHA256withRSA", peers::bareRsa, "holdfast first sight",
                        peers::holdfastFirstSight));
            }
        }
        Collections.addAll(pairs,
                new Pair("hs256-vs-bare-mac", "bare HMAC-SHA256", () -> bare.mac.doFinal(bare.signingInput),
                        "holdfast HS256", tokens::holdfastHs256),
                new Pair("hs256-vs-jose4j", "jose4j HS256", tokens::jose4jHs256, "holdfast HS256", tokens::holdfastHs256),
                new Pair("rs256-vs-jose4j", "jose4j RS256", tokens::jose4jRs256, "holdfast RS256", tokens::holdfastRs256),
                new Pair("es256-vs-jose4j", "jose4j ES256", tokens::jose4jEs256, "holdfast ES256", tokens::holdfastEs256),
                new Pair("eddsa-vs-jose4j", "jose4j EdDSA", tokens::jose4jEdDsa, "holdfast EdDSA", tokens::holdfastEdDsa),
                new Pair("reject-1MiB", "valid HS256", rejections::baselineValidHs256, "1 MiB token", rejections::oneMebibyteToken),
                new Pair("reject-nested-100k", "valid HS256", rejections::baselineValidHs256, "100k-deep nested token",
                        rejections::nested100kDeep),
                new Pair("reject-bad-signature", "valid HS256", rejections::baselineValidHs256, "bad HS256 signature",
                        rejections::badSignatureHs256),
                new Pair("reject-nested-forged-hs256", "valid HS256", rejections::baselineValidHs256,
                        "2,900-deep forged HS256", rejections::nestedForgedHs256),
                new Pair("reject-nested-forged-rs256", "valid RS256", rejections::baselineValidRs256,
                        "2,900-deep forged RS256", rejections::nestedForgedRs256),
                new Pair("jose4j-1MiB", "valid HS256", rejections::baselineValidHs256, "bare jose4j, 1 MiB token",
                        rejections::jose4jOneMebibyteToken),
                new Pair("jose4j-nested-100k", "valid HS256", rejections::baselineValidHs256, "bare jose4j, 100k-deep",
                        rejections::jose4jNested100kDeep),
                new Pair("filter-vs-chain", "chain only", filter2::baselineChainOnly, "filter, valid bearer",
                        filter2::filterValidBearer),
                new Pair("filter-vs-verify", "verify only", filter2::verifyOnly, "filter, valid bearer",
                        filter2::filterValidBearer),
                new Pair("bcrypt-unknown-user", "known user, right password", passwords::baselineKnownUserRightPassword,
                        "unknown user (burn)", () -> {
                            passwords.unknownUserBurn();
                            return null;
                        }),
                new Pair("bcrypt-wrong-password", "known user, right password", passwords::baselineKnownUserRightPassword,
                        "known user, wrong password", passwords::knownUserWrongPassword));

        System.out.printf(Locale.ROOT, "%-28s %-28s %12s %-26s %12s %9s %17s%n", "pair", "baseline", "per op",
                "measured", "per op", "ratio", "ratio IQR");
        for (Pair pair : pairs) {
            if (filter.matcher(pair.name).find()) {
                measure(pair);
            }
        }
        System.out.println("(sink " + sink + ")");
    }

    private static void measure(Pair pair) throws Exception {
        long warmEnd = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < warmEnd) {
            consume(pair.baseline.run());
            consume(pair.measured.run());
        }
        long opsA = opsPerBlock(pair.baseline);
        long opsB = opsPerBlock(pair.measured);
        List<Double> ratios = new ArrayList<>();
        List<Double> perOpA = new ArrayList<>();
        List<Double> perOpB = new ArrayList<>();
        long end = System.nanoTime() + PAIR_NANOS;
        for (int round = 0; round < MIN_ROUNDS || System.nanoTime() < end; round++) {
            double a;
            double b;
            if (round % 2 == 0) {
                a = block(pair.baseline, opsA);
                b = block(pair.measured, opsB);
            } else {
                b = block(pair.measured, opsB);
                a = block(pair.baseline, opsA);
            }
            perOpA.add(a);
            perOpB.add(b);
            ratios.add(b / a);
        }
        double[] r = sorted(ratios);
        System.out.printf(Locale.ROOT, "%-28s %-28s %12s %-26s %12s %8.3fx %8.3f-%-8.3f (%d rounds)%n", pair.name,
                pair.baselineName, time(median(sorted(perOpA))), pair.measuredName, time(median(sorted(perOpB))),
                median(r), r[r.length / 4], r[(r.length * 3) / 4], r.length);
    }

    /** Enough operations for one block of about {@link #BLOCK_NANOS}, at least one. */
    private static long opsPerBlock(Operation operation) throws Exception {
        long start = System.nanoTime();
        long ops = 0;
        while (System.nanoTime() - start < BLOCK_NANOS / 4) {
            consume(operation.run());
            ops++;
        }
        double perOp = (System.nanoTime() - start) / (double) ops;
        return Math.max(1, (long) (BLOCK_NANOS / perOp));
    }

    /** Nanoseconds per operation over {@code ops} operations. */
    private static double block(Operation operation, long ops) throws Exception {
        long start = System.nanoTime();
        for (long i = 0; i < ops; i++) {
            consume(operation.run());
        }
        return (System.nanoTime() - start) / (double) ops;
    }

    private static void consume(Object result) {
        sink += System.identityHashCode(result);
    }

    private static double[] sorted(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(array);
        return array;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String time(double nanos) {
        if (nanos >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1_000_000);
        }
        if (nanos >= 1_000) {
            return String.format(Locale.ROOT, "%.2f us", nanos / 1_000);
        }
        return String.format(Locale.ROOT, "%.1f ns", nanos);
    }
}
