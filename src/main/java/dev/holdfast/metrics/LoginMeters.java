package dev.holdfast.metrics;

import dev.holdfast.login.LoginObserver;
import dev.holdfast.login.LoginOutcome;
import dev.holdfast.login.Tier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code holdfast.logins{endpoint,outcome,tier}} and {@code holdfast.login.duration{endpoint,outcome}} for one
 * login endpoint ({@code login} or {@code emergency}). Every meter is registered up front, so each series starts
 * at 0 and a rate over it is defined from the first scrape.
 */
public final class LoginMeters implements LoginObserver {
    /** Histogram buckets: a database login is a bcrypt (about 0.25 s); the deadline is seconds. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final String endpoint;
    private final Map<LoginOutcome.Kind, Counter> failures = new EnumMap<>(LoginOutcome.Kind.class);
    private final Map<Tier, Counter> successes = new EnumMap<>(Tier.class);
    private final Map<LoginOutcome.Kind, Timer> durations = new EnumMap<>(LoginOutcome.Kind.class);

    /**
     * @param endpoint {@code login} or {@code emergency}
     * @param tiers    the tiers a success of this endpoint can come from
     */
    public LoginMeters(MeterRegistry registry, String endpoint, Tier... tiers) {
        this.registry = registry;
        this.endpoint = endpoint;
        for (LoginOutcome.Kind kind : LoginOutcome.Kind.values()) {
            if (kind != LoginOutcome.Kind.SUCCESS) {
                failures.put(kind, counter(registry, endpoint, kind, "none"));
            }
            durations.put(kind, Timer.builder("holdfast.login.duration")
                    .tag("endpoint", endpoint)
                    .tag("outcome", kind.wireName())
                    .serviceLevelObjectives(BUCKETS)
                    .description("How long a login attempt took, password check and database or tier included")
                    .register(registry));
        }
        for (Tier tier : tiers) {
            successes.put(tier, counter(registry, endpoint, LoginOutcome.Kind.SUCCESS, tier.wireName()));
        }
    }

    private static Counter counter(MeterRegistry registry, String endpoint, LoginOutcome.Kind kind, String tier) {
        return Counter.builder("holdfast.logins")
                .tag("endpoint", endpoint)
                .tag("outcome", kind.wireName())
                .tag("tier", tier)
                .description("Login attempts by outcome and, for successes, the tier that verified the password")
                .register(registry);
    }

    /** A tier not named at construction still counts: the registry makes the meter once, then finds it. */
    private Counter success(Tier tier) {
        Counter known = successes.get(tier);
        return known != null ? known : counter(registry, endpoint, LoginOutcome.Kind.SUCCESS, tier.wireName());
    }

    @Override
    public void ended(LoginOutcome outcome, long nanos) {
        Counter counter = outcome.tier().map(this::success).orElseGet(() -> failures.get(outcome.kind()));
        counter.increment();
        durations.get(outcome.kind()).record(nanos, TimeUnit.NANOSECONDS);
    }
}
