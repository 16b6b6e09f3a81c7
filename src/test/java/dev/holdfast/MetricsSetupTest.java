package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.login.LoginObserver;
import dev.holdfast.login.Tier;
import dev.holdfast.metrics.HoldfastMetrics;
import dev.holdfast.testing.HoldfastMBeans;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@code metrics.enabled} and {@code metrics.jmx} build. */
class MetricsSetupTest {
    private static final String SECRET = "holdfast.jwt.secret";
    private final ApplicationDirectory application =
            new ApplicationDirectory(Paths.get("unused"), "metrics-setup-" + System.nanoTime(), List.of());

    private Optional<HoldfastMetrics> open(Map<String, String> settings) throws Exception {
        Map<String, String> withKey = new java.util.HashMap<>(settings);
        withKey.put(SECRET, dev.holdfast.testing.TestSecrets.hmacSetting());
        return MetricsSetup.open(TokensTest.settings(withKey), application);
    }

    @Test
    void offBuildsNoMeterAndLoginsAreObservedByNobody() throws Exception {
        Optional<HoldfastMetrics> metrics = open(Map.of("holdfast.metrics.enabled", "false"));
        assertTrue(metrics.isEmpty());
        assertSame(LoginObserver.NONE, MetricsSetup.logins(metrics, "login", Tier.DATABASE));
    }

    @Test
    void onByDefaultWithoutMBeans() throws Exception {
        try (HoldfastMetrics metrics = open(Map.of()).orElseThrow()) {
            assertFalse(MetricsSetup.logins(Optional.of(metrics), "login", Tier.DATABASE) == LoginObserver.NONE);
            assertEquals(Set.of(), HoldfastMBeans.of(application.name()));
        }
    }

    @Test
    void jmxNamesTheBeansAfterTheApplicationDirectory() throws Exception {
        try (HoldfastMetrics metrics = open(Map.of("holdfast.metrics.jmx", "true")).orElseThrow()) {
            MetricsSetup.logins(Optional.of(metrics), "login", Tier.DATABASE);
            assertFalse(HoldfastMBeans.of(application.name()).isEmpty());
        }
        assertEquals(Set.of(), HoldfastMBeans.of(application.name()));
    }
}
