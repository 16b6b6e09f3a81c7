package dev.holdfast;

import dev.holdfast.config.Settings;
import dev.holdfast.login.LoginObserver;
import dev.holdfast.login.Tier;
import dev.holdfast.metrics.HoldfastMetrics;
import java.util.Optional;

/**
 * Builds this application's meters from {@code metrics.enabled} and {@code metrics.jmx}, and binds them to the
 * parts {@link Services} built. Observing only: the parts count nothing themselves beyond what health
 * shows already, except the login observer and the breaker listener set here.
 */
final class MetricsSetup {
    private MetricsSetup() {
    }

    static Optional<HoldfastMetrics> open(Settings settings, ApplicationDirectory application) {
        if (!settings.get(Settings.METRICS_ENABLED)) {
            return Optional.empty();
        }
        return Optional.of(settings.get(Settings.METRICS_JMX)
                ? HoldfastMetrics.withJmx(application.name()) : HoldfastMetrics.prometheusOnly());
    }

    /** What a login endpoint reports its outcomes to; nothing when metrics are off. */
    static LoginObserver logins(Optional<HoldfastMetrics> metrics, String endpoint, Tier... tiers) {
        return metrics.<LoginObserver>map(m -> m.loginMeters(endpoint, tiers)).orElse(LoginObserver.NONE);
    }

    /** Gauges and counters over the pools, breakers, credential tier and spools of {@code context}. */
    static void bind(Optional<HoldfastMetrics> metrics, Services context) {
        metrics.ifPresent(m -> {
            m.bindDatabase(context.mainDatabase);
            m.bindDatabase(context.spoolDatabase);
            context.emergencyDatabase.ifPresent(m::bindDatabase);
            m.bindCredentialTier(context.credentialTier);
            m.bindSpool("audit", context.auditSpool, context.auditSpool::snapshot);
            m.bindSpool("writes", context.writes, context.writes::snapshot);
        });
    }
}
