package dev.holdfast.web;

import dev.holdfast.token.Rejection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * How the requests {@code JwtAuthFilter} checked ended, counted for metrics. Plain {@link LongAdder}s, one per
 * result: the filter is the hot path, and an increment of an uncontended adder costs a few nanoseconds; the
 * meters read the sums only when scraped. Thread-safe.
 */
public final class FilterCounts {
    /** Results other than a rejected token. */
    public enum Result {
        /** A valid token, the request went on to the application. */
        ACCEPTED,
        /** No token at all. */
        NO_TOKEN,
        /** An {@code Authorization} header that is not one Bearer token. */
        MALFORMED_HEADER,
        /** A valid cookie token on a cross-site unsafe request. */
        CROSS_SITE,
        /** A valid token without any of the required roles. */
        ROLE_MISSING;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Result[] RESULTS = Result.values();
    private static final Rejection[] REJECTIONS = Rejection.values();

    private final LongAdder[] results = adders(RESULTS.length);
    private final LongAdder[] rejections = adders(REJECTIONS.length);

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    public void count(Result result) {
        results[result.ordinal()].increment();
    }

    public void count(Rejection rejection) {
        rejections[rejection.ordinal()].increment();
    }

    /**
     * Every result by its label ({@code accepted}, {@code no_token}, ..., and each rejection: {@code expired},
     * {@code bad_signature}, ...), in a fixed order, with a reader of its count.
     */
    public Map<String, LongSupplier> byLabel() {
        Map<String, LongSupplier> labels = new LinkedHashMap<>();
        for (Result result : RESULTS) {
            LongAdder adder = results[result.ordinal()];
            labels.put(result.label(), adder::sum);
        }
        for (Rejection rejection : REJECTIONS) {
            LongAdder adder = rejections[rejection.ordinal()];
            labels.put(rejection.name().toLowerCase(Locale.ROOT), adder::sum);
        }
        return labels;
    }
}
