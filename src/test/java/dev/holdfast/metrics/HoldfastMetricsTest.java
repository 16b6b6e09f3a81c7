package dev.holdfast.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.login.LoginOutcomes;
import dev.holdfast.login.Tier;
import dev.holdfast.web.FilterCounts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The registries themselves: the text formats written, and MBeans that belong to one application and leave with it. */
class HoldfastMetricsTest {
    private static final MBeanServer PLATFORM = ManagementFactory.getPlatformMBeanServer();

    private static String scrape(HoldfastMetrics metrics, String accept) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.scrape(out, accept);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Set<ObjectName> mbeansOf(String application) throws Exception {
        return PLATFORM.queryNames(new ObjectName(HoldfastMetrics.JMX_DOMAIN + ":app=" + ObjectName.quote(application) + ",*"), null);
    }

    @Test
    void writesPrometheusTextAndOpenMetricsWhenAsked() throws IOException {
        try (HoldfastMetrics metrics = HoldfastMetrics.prometheusOnly()) {
            metrics.loginMeters("login", Tier.DATABASE).ended(LoginOutcomes.success(Tier.DATABASE), 1_000_000);
            metrics.filterCounts().count(FilterCounts.Result.ACCEPTED);

            assertTrue(metrics.contentType(null).startsWith("text/plain; version=0.0.4"), metrics.contentType(null));
            String text = scrape(metrics, null);
            assertTrue(text.contains("holdfast_logins_total{endpoint=\"login\",outcome=\"success\",tier=\"database\"} 1.0"), text);
            assertTrue(text.contains("holdfast_filter_requests_total{result=\"accepted\"} 1.0"), text);
            assertTrue(text.contains("holdfast_login_duration_seconds_bucket{endpoint=\"login\",outcome=\"success\",le=\"0.05\"} 1"), text);

            String openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";
            assertTrue(metrics.contentType(openMetrics).startsWith("application/openmetrics-text"), metrics.contentType(openMetrics));
            assertTrue(scrape(metrics, openMetrics).trim().endsWith("# EOF"), "OpenMetrics ends with # EOF");
            // A client asking only for the protobuf format (left out of the build) gets the text format.
            String protobuf = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
            assertTrue(metrics.contentType(protobuf).startsWith("text/plain"), metrics.contentType(protobuf));
        }
    }

    @Test
    void theSharedStateGaugeFollowsWhatItIsConnectedTo() throws IOException {
        try (HoldfastMetrics metrics = HoldfastMetrics.prometheusOnly()) {
            assertFalse(scrape(metrics, null).contains("holdfast_shared_up"), "absent until connected");
            AtomicBoolean up = new AtomicBoolean(true);
            metrics.connectSharedState(up::get);
            assertTrue(scrape(metrics, null).contains("holdfast_shared_up 1.0"));
            up.set(false);
            assertTrue(scrape(metrics, null).contains("holdfast_shared_up 0.0"));
        }
    }

    @Test
    void jmxBeansAreNamedAfterTheApplicationAndUnregisteredAtClose() throws Exception {
        String shop = "shop-" + System.nanoTime();
        String billing = "billing-" + System.nanoTime();
        HoldfastMetrics first = HoldfastMetrics.withJmx(shop);
        HoldfastMetrics second = HoldfastMetrics.withJmx(billing);
        try {
            first.loginMeters("login", Tier.DATABASE).ended(LoginOutcomes.invalidCredentials(), 1_000_000);
            second.loginMeters("login", Tier.DATABASE);

            Set<ObjectName> shops = mbeansOf(shop);
            Set<ObjectName> billings = mbeansOf(billing);
            assertFalse(shops.isEmpty(), "the first application's meters are MBeans");
            assertEquals(shops.size(), billings.size(), "the same meters, each under its own application");
            ObjectName invalid = shops.stream()
                    .filter(name -> name.getKeyProperty("name").contains("outcome.invalid_credentials.tier.none"))
                    .filter(name -> name.getKeyProperty("name").startsWith("\"holdfastLogins"))
                    .findFirst().orElseThrow(() -> new AssertionError("no login counter MBean in " + shops));
            assertEquals(1L, ((Number) PLATFORM.getAttribute(invalid, "Count")).longValue());
            ObjectName sameMeterOfBilling = new ObjectName(invalid.getDomain() + ":app=" + ObjectName.quote(billing)
                    + ",name=" + invalid.getKeyProperty("name") + ",type=" + invalid.getKeyProperty("type"));
            assertEquals(0L, ((Number) PLATFORM.getAttribute(sameMeterOfBilling, "Count")).longValue());
        } finally {
            first.close();
        }
        assertEquals(Set.of(), mbeansOf(shop), "closed: no MBean of the first application is left");
        assertFalse(mbeansOf(billing).isEmpty(), "the other application's MBeans stay");
        second.close();
        assertEquals(Set.of(), mbeansOf(billing));
    }
}
