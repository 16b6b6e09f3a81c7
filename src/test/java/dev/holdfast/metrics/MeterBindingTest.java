package dev.holdfast.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.holdfast.credential.CredentialTier;
import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.login.LoginOutcomes;
import dev.holdfast.login.Tier;
import dev.holdfast.spool.Spool;
import dev.holdfast.spool.SpoolSnapshots;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.token.Rejection;
import dev.holdfast.web.FilterCounts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Each binder against a SimpleMeterRegistry, driven through the real parts it observes. */
class MeterBindingTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock();

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private double functionCounter(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void loginsAreCountedByOutcomeAndTierAndTimed() {
        LoginMeters meters = new LoginMeters(registry, "login", Tier.DATABASE, Tier.CACHE);
        assertEquals(0, counter("holdfast.logins", "endpoint", "login", "outcome", "success", "tier", "cache"),
                "registered up front at 0");
        meters.ended(LoginOutcomes.success(Tier.DATABASE), TimeUnit.MILLISECONDS.toNanos(300));
        meters.ended(LoginOutcomes.success(Tier.CACHE), TimeUnit.MILLISECONDS.toNanos(5));
        meters.ended(LoginOutcomes.invalidCredentials(), TimeUnit.MILLISECONDS.toNanos(280));
        meters.ended(LoginOutcomes.invalidCredentials(), TimeUnit.MILLISECONDS.toNanos(290));
        meters.ended(LoginOutcomes.unavailable(), TimeUnit.MILLISECONDS.toNanos(3000));

        assertEquals(1, counter("holdfast.logins", "endpoint", "login", "outcome", "success", "tier", "database"));
        assertEquals(1, counter("holdfast.logins", "endpoint", "login", "outcome", "success", "tier", "cache"));
        assertEquals(2, counter("holdfast.logins", "endpoint", "login", "outcome", "invalid_credentials", "tier", "none"));
        assertEquals(1, counter("holdfast.logins", "endpoint", "login", "outcome", "unavailable", "tier", "none"));
        assertEquals(0, counter("holdfast.logins", "endpoint", "login", "outcome", "throttled", "tier", "none"));
        Timer success = registry.get("holdfast.login.duration").tags("endpoint", "login", "outcome", "success").timer();
        assertEquals(2, success.count());
        assertEquals(305, success.totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(3000, registry.get("holdfast.login.duration").tags("outcome", "unavailable").timer()
                .totalTime(TimeUnit.MILLISECONDS), 0.001);
    }

    @Test
    void theBreakersStateAndTransitionsAndThePoolAreRead() {
        Breaker breaker = new Breaker("main", 2, Duration.ofSeconds(5), Duration.ZERO, clock);
        PGSimpleDataSource neverCalled = new PGSimpleDataSource();
        try (GuardedDatabase database = GuardedDatabase.overDataSource("main", neverCalled, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(2), breaker, clock)) {
            DatabaseMeters.bind(registry, database);
            assertEquals(1, gauge("holdfast.breaker.state", "pool", "main", "state", "closed"));
            assertEquals(0, gauge("holdfast.breaker.state", "pool", "main", "state", "open"));
            assertEquals(3, gauge("holdfast.pool.max", "pool", "main"));
            assertEquals(0, gauge("holdfast.pool.connections", "pool", "main", "state", "active"));
            assertEquals(0, gauge("holdfast.pool.waiting", "pool", "main"));
            assertNull(registry.find("holdfast.pool.connections").tags("state", "idle").gauge(),
                    "a container's pool does not say how many are idle");

            breaker.onFailure();
            breaker.onFailure();
            assertEquals(1, gauge("holdfast.breaker.state", "pool", "main", "state", "open"));
            assertEquals(0, gauge("holdfast.breaker.state", "pool", "main", "state", "closed"));
            assertEquals(1, counter("holdfast.breaker.transitions", "pool", "main", "to", "open"));

            clock.advance(Duration.ofSeconds(5));
            breaker.tryAcquire();
            breaker.onSuccess();
            assertEquals(1, counter("holdfast.breaker.transitions", "pool", "main", "to", "half_open"));
            assertEquals(1, counter("holdfast.breaker.transitions", "pool", "main", "to", "closed"));
            assertEquals(1, gauge("holdfast.breaker.state", "pool", "main", "state", "closed"));
        }
    }

    @Test
    void theCredentialTiersSizeAndLookupsAreRead() {
        try (CredentialTier tier = new CredentialTier(Duration.ofHours(1), 10, Optional.empty(), new byte[32], clock)) {
            StateMeters.bindCredentialTier(registry, tier);
            tier.find("nobody");
            tier.find("nobody");
            assertEquals(2, functionCounter("holdfast.credential.tier.lookups", "result", "miss"));
            assertEquals(0, functionCounter("holdfast.credential.tier.lookups", "result", "hit"));
            assertEquals(0, gauge("holdfast.credential.tier.entries"));
        }
    }

    @Test
    void aSpoolsBacklogIsReadFromItsSnapshot() {
        Spool.Snapshot[] now = {SpoolSnapshots.of(3, 1, 300, 1000, 7)};
        StateMeters.bindSpool(registry, "audit", now, () -> now[0]);
        assertEquals(3, gauge("holdfast.spool.depth", "spool", "audit"));
        assertEquals(1, gauge("holdfast.spool.dead.letters", "spool", "audit"));
        assertEquals(300, gauge("holdfast.spool.used", "spool", "audit"));
        assertEquals(1000, gauge("holdfast.spool.capacity", "spool", "audit"));
        assertEquals(7, functionCounter("holdfast.spool.replayed", "spool", "audit"));
        now[0] = SpoolSnapshots.of(0, 1, 0, 1000, 10);
        assertEquals(0, gauge("holdfast.spool.depth", "spool", "audit"));
        assertEquals(10, functionCounter("holdfast.spool.replayed", "spool", "audit"));
    }

    @Test
    void theFiltersResultsAreCountedByLabel() {
        FilterCounts counts = new FilterCounts();
        FilterMeters.bind(registry, counts);
        counts.count(FilterCounts.Result.ACCEPTED);
        counts.count(FilterCounts.Result.ACCEPTED);
        counts.count(FilterCounts.Result.NO_TOKEN);
        counts.count(Rejection.EXPIRED);
        assertEquals(2, functionCounter("holdfast.filter.requests", "result", "accepted"));
        assertEquals(1, functionCounter("holdfast.filter.requests", "result", "no_token"));
        assertEquals(1, functionCounter("holdfast.filter.requests", "result", "expired"));
        assertEquals(0, functionCounter("holdfast.filter.requests", "result", "bad_signature"));
        assertEquals(0, functionCounter("holdfast.filter.requests", "result", "role_missing"));
    }
}
