package dev.holdfast.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with the usual command line, then prints every measured result next to its baseline from the
 * same run: the ratio (ours / baseline) and the difference. Absolute times move with the machine and its
 * load; ratios taken in one run move far less, which is why the docs report them.
 */
public final class RatioReport {

    /** measured benchmark -> its baselines, as ClassName.method. */
    private static final List<String[]> PAIRS = List.of(
            pair("TokenVerifierBenchmark.holdfastHs256", "TokenVerifierBenchmark.baselineBareHmacSha256"),
            pair("TokenVerifierBenchmark.holdfastHs256", "TokenVerifierBenchmark.jose4jHs256"),
            pair("TokenVerifierBenchmark.holdfastRs256", "TokenVerifierBenchmark.jose4jRs256"),
            pair("TokenVerifierBenchmark.holdfastEs256", "TokenVerifierBenchmark.jose4jEs256"),
            pair("TokenVerifierBenchmark.holdfastEdDsa", "TokenVerifierBenchmark.jose4jEdDsa"),
            pair("RejectionBenchmark.oneMebibyteToken", "RejectionBenchmark.baselineValidHs256"),
            pair("RejectionBenchmark.nested100kDeep", "RejectionBenchmark.baselineValidHs256"),
            pair("RejectionBenchmark.badSignatureHs256", "RejectionBenchmark.baselineValidHs256"),
            pair("RejectionBenchmark.nestedForgedHs256", "RejectionBenchmark.baselineValidHs256"),
            pair("RejectionBenchmark.nestedForgedRs256", "RejectionBenchmark.baselineValidRs256"),
            pair("RejectionBenchmark.jose4jOneMebibyteToken", "RejectionBenchmark.baselineValidHs256"),
            pair("RejectionBenchmark.jose4jNested100kDeep", "RejectionBenchmark.baselineValidHs256"),
            pair("PasswordVerifierBenchmark.knownUserWrongPassword", "PasswordVerifierBenchmark.baselineKnownUserRightPassword"),
            pair("PasswordVerifierBenchmark.unknownUserBurn", "PasswordVerifierBenchmark.baselineKnownUserRightPassword"),
            pair("FilterBenchmark.verifyOnly", "FilterBenchmark.baselineChainOnly"),
            pair("FilterBenchmark.filterValidBearer", "FilterBenchmark.baselineChainOnly"),
            pair("FilterBenchmark.filterValidBearer", "FilterBenchmark.verifyOnly"));

    private RatioReport() {
    }

    private static String[] pair(String measured, String baseline) {
        return new String[] {measured, baseline};
    }

    public static void main(String[] args) throws CommandLineOptionException, RunnerException {
        Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        Map<String, Result<?>> byName = new LinkedHashMap<>();
        for (RunResult run : results) {
            String full = run.getParams().getBenchmark();
            String[] parts = full.split("\\.");
            byName.put(parts[parts.length - 2] + "." + parts[parts.length - 1], run.getPrimaryResult());
        }
        System.out.println();
        System.out.println("Ratios to the baseline measured in the same run (ours / baseline):");
        System.out.printf(Locale.ROOT, "%-50s %-45s %10s %14s%n", "measured", "baseline", "ratio", "difference");
        for (String[] pair : PAIRS) {
            Result<?> measured = byName.get(pair[0]);
            Result<?> baseline = byName.get(pair[1]);
            if (measured == null || baseline == null) {
                continue; // not selected in this run
            }
            System.out.printf(Locale.ROOT, "%-50s %-45s %9.3fx %10.3f %s%n", pair[0], pair[1],
                    measured.getScore() / baseline.getScore(), measured.getScore() - baseline.getScore(),
                    measured.getScoreUnit());
        }
    }
}
