package dev.holdfast.metrics;

import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * One guarded database ({@code main}, {@code spool}, {@code emergency}): its pool's use, read from
 * {@link GuardedDatabase#snapshot()} when scraped, and its breaker's state and transitions.
 */
final class DatabaseMeters {
    private DatabaseMeters() {
    }

    static void bind(MeterRegistry registry, GuardedDatabase database) {
        String pool = database.name();
        gauge(registry, "holdfast.pool.connections", database, pool, "state", "active",
                "Connections in use by calls now", d -> d.snapshot().active());
        if (database.snapshot().idle().isPresent()) { // a container's pool (JNDI) does not say
            gauge(registry, "holdfast.pool.connections", database, pool, "state", "idle",
                    "Idle pooled connections", d -> d.snapshot().idle().orElse(0));
        }
        Gauge.builder("holdfast.pool.waiting", database, d -> d.snapshot().waiting())
                .strongReference(true).tag("pool", pool)
                .description("Calls accepted but not yet holding a connection").register(registry);
        Gauge.builder("holdfast.pool.max", database, d -> d.snapshot().maxTotal())
                .strongReference(true).tag("pool", pool)
                .description("Most calls running at once (db.maxTotal)").register(registry);

        Breaker breaker = database.breaker();
        Map<Breaker.State, Counter> transitions = new EnumMap<>(Breaker.State.class);
        for (Breaker.State state : Breaker.State.values()) {
            String label = state.name().toLowerCase(Locale.ROOT);
            gauge(registry, "holdfast.breaker.state", breaker, pool, "state", label,
                    "1 for the breaker's current state, 0 for the others", b -> b.state() == state ? 1 : 0);
            transitions.put(state, Counter.builder("holdfast.breaker.transitions")
                    .tag("pool", pool).tag("to", label)
                    .description("Changes of the breaker's state, by the state entered").register(registry));
        }
        breaker.onTransition((from, to) -> transitions.get(to).increment());
    }

    private static <T> void gauge(MeterRegistry registry, String name, T source, String pool, String key, String value,
                                  String description, java.util.function.ToDoubleFunction<T> read) {
        Gauge.builder(name, source, read).strongReference(true)
                .tag("pool", pool).tag(key, value).description(description).register(registry);
    }
}
