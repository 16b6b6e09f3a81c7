package dev.holdfast.metrics;

import dev.holdfast.credential.CredentialTier;
import dev.holdfast.spool.Spool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** The credential tier's size and lookups, and each spool's backlog: read from their snapshots when scraped. */
final class StateMeters {
    private StateMeters() {
    }

    static void bindCredentialTier(MeterRegistry registry, CredentialTier tier) {
        Gauge.builder("holdfast.credential.tier.entries", tier, t -> t.statistics().entries())
                .strongReference(true)
                .description("Users whose recently verified credential the tier holds").register(registry);
        FunctionCounter.builder("holdfast.credential.tier.lookups", tier, t -> t.statistics().hits())
                .tag("result", "hit")
                .description("Logins during an outage that found the user in the tier (hit) or not (miss)")
                .register(registry);
        FunctionCounter.builder("holdfast.credential.tier.lookups", tier, t -> t.statistics().misses())
                .tag("result", "miss")
                .description("Logins during an outage that found the user in the tier (hit) or not (miss)")
                .register(registry);
    }

    /**
     * @param owner    what {@code snapshot} reads, held by the application for as long as the meters
     *                 (function counters keep only a weak reference to it)
     * @param snapshot the spool's snapshot
     */
    static <T> void bindSpool(MeterRegistry registry, String spool, T owner, Supplier<Spool.Snapshot> snapshot) {
        Gauge.builder("holdfast.spool.depth", owner, o -> snapshot.get().depth()).strongReference(true)
                .tag("spool", spool).description("Entries waiting to be applied to the database").register(registry);
        Gauge.builder("holdfast.spool.dead.letters", owner, o -> snapshot.get().deadLetters()).strongReference(true)
                .tag("spool", spool).description("Entries set aside that need an operator (docs/spool.md)")
                .register(registry);
        Gauge.builder("holdfast.spool.used", owner, o -> snapshot.get().usedBytes()).strongReference(true)
                .tag("spool", spool).baseUnit("bytes").description("Disk the spool's journal uses").register(registry);
        Gauge.builder("holdfast.spool.capacity", owner, o -> snapshot.get().maxBytes()).strongReference(true)
                .tag("spool", spool).baseUnit("bytes").description("Size at which the spool refuses new entries")
                .register(registry);
        FunctionCounter.builder("holdfast.spool.replayed", owner, o -> snapshot.get().replayed())
                .tag("spool", spool).description("Entries applied to the database by replay since start")
                .register(registry);
    }
}
