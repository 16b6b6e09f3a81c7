package dev.holdfast.metrics;

import dev.holdfast.web.FilterCounts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.LongSupplier;

/** {@code holdfast.filter.requests{result}}: the filter's own adders, read only when scraped. */
final class FilterMeters {
    private FilterMeters() {
    }

    static void bind(MeterRegistry registry, FilterCounts counts) {
        for (Map.Entry<String, LongSupplier> result : counts.byLabel().entrySet()) {
            LongSupplier count = result.getValue();
            // counts is held by HoldfastMetrics (the meter keeps only a weak reference to it)
            FunctionCounter.builder("holdfast.filter.requests", counts, c -> count.getAsLong())
                    .tag("result", result.getKey())
                    .description("Requests JwtAuthFilter checked, by result: accepted, or why refused")
                    .register(registry);
        }
    }
}
