package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.HoldfastMBeans;
import dev.holdfast.testing.PrometheusText;
import dev.holdfast.testing.RawHttp;
import dev.holdfast.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /auth/metrics} of the built WAR in Jetty 12, over real HTTP: logins that work, fail and fall back to the
 * credential tier while a {@link FaultProxy} refuses the database and the breaker opens, and the filter's
 * results, all show on the scrape; OpenMetrics on request; the meters as MBeans ({@code metrics.jmx}); and the
 * same access rule as {@code /auth/health}: a client outside {@code health.allow} gets {@code 404}.
 */
class MetricsIT {
    private static final String LOGIN = "endpoint=\"login\",";
    private static final LoginHarness http = new LoginHarness();
    private static FaultProxy proxy;
    private static EmbeddedJetty jetty;
    private static String url;

    @BeforeAll
    static void deploy() throws IOException {
        TestDatabase database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("metrics");
        database.insertUser(url, "alice", LoginHarness.cheapHash("alice-password"), "user", true);
        database.insertUser(url, "stranger", LoginHarness.cheapHash("stranger-password"), "user", true);
        proxy = FaultProxy.inFrontOf(database);
        jetty = LoginHarness.builder(proxy.wrap(url), "holdfast-metrics")
                .contextParameter("holdfast.password.bcryptCost", "4")
                .contextParameter("holdfast.db.maxWait", "PT0.5S")
                .contextParameter("holdfast.db.queryTimeout", "PT2S")
                .contextParameter("holdfast.breaker.failures", "2")
                // open for the whole test once tripped: the scrape must see it open, not already probing
                .contextParameter("holdfast.breaker.openFor", "PT10M")
                .contextParameter("holdfast.login.maxFailures", "1000")
                .contextParameter("holdfast.metrics.jmx", "true")
                .start();
        http.use(jetty);
    }

    @AfterAll
    static void undeploy() {
        if (jetty != null) {
            jetty.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String scrape() {
        Answer answer = http.get("/auth/metrics");
        assertEquals(200, answer.status(), answer.toString());
        assertTrue(answer.header("Content-Type").replace(" ", "").startsWith("text/plain;version=0.0.4"), answer.header("Content-Type"));
        return answer.body();
    }

    private static boolean mainBreakerOpen() {
        return PrometheusText.samples(scrape()).getOrDefault("holdfast_breaker_state{pool=\"main\",state=\"open\"}", 0.0) == 1.0;
    }

    @Test
    void loginsTheFilterAndAnOpenBreakerShowOnTheScrape() {
        Answer alice = http.jsonLogin("alice", "alice-password");
        assertEquals(200, alice.status(), alice.toString());
        assertEquals("database", alice.tier());
        assertEquals(401, http.jsonLogin("alice", "a-wrong-password").status());
        assertEquals(200, http.get("/app/", "Authorization", "Bearer " + alice.token()).status());
        assertEquals(401, http.get("/app/", "Accept", "application/json").status());
        assertEquals(401, http.get("/app/", "Authorization", "Bearer not-a-token", "Accept", "application/json").status());

        // The database refuses connections: a user the tier does not know gets 503 until the breaker opens.
        proxy.refuse();
        proxy.killAll();
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(60), () -> {
            assertEquals(503, http.jsonLogin("stranger", "stranger-password").status());
            return mainBreakerOpen();
        }), () -> "the main breaker did not open: " + scrape());
        Answer cached = http.jsonLogin("alice", "alice-password");
        assertEquals(200, cached.status(), cached.toString());
        assertEquals("cache", cached.tier());

        String metrics = scrape();
        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_logins_total{" + LOGIN + "outcome=\"success\",tier=\"database\"}"));
        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_logins_total{" + LOGIN + "outcome=\"success\",tier=\"cache\"}"));
        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_logins_total{" + LOGIN + "outcome=\"invalid_credentials\",tier=\"none\"}"));
        assertTrue(PrometheusText.value(metrics, "holdfast_logins_total{" + LOGIN + "outcome=\"unavailable\",tier=\"none\"}") >= 1);
        assertEquals(0.0, PrometheusText.value(metrics, "holdfast_logins_total{" + LOGIN + "outcome=\"throttled\",tier=\"none\"}"));
        assertEquals(2.0, PrometheusText.value(metrics, "holdfast_login_duration_seconds_count{" + LOGIN + "outcome=\"success\"}"));
        assertEquals(2.0, PrometheusText.value(metrics, "holdfast_login_duration_seconds_bucket{" + LOGIN + "outcome=\"success\",le=\"+Inf\"}"));

        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_breaker_state{pool=\"main\",state=\"open\"}"));
        assertEquals(0.0, PrometheusText.value(metrics, "holdfast_breaker_state{pool=\"main\",state=\"closed\"}"));
        assertTrue(PrometheusText.value(metrics, "holdfast_breaker_transitions_total{pool=\"main\",to=\"open\"}") >= 1);

        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_filter_requests_total{result=\"accepted\"}"));
        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_filter_requests_total{result=\"no_token\"}"));
        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_filter_requests_total{result=\"malformed\"}"));

        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_credential_tier_lookups_total{result=\"hit\"}"));
        assertTrue(PrometheusText.value(metrics, "holdfast_credential_tier_lookups_total{result=\"miss\"}") >= 1);
        assertEquals(1.0, PrometheusText.value(metrics, "holdfast_credential_tier_entries"));
        // The audit rows wait in the spool while the database is away.
        assertTrue(PrometheusText.value(metrics, "holdfast_spool_depth{spool=\"audit\"}") >= 1);
        assertEquals(0.0, PrometheusText.value(metrics, "holdfast_spool_dead_letters{spool=\"writes\"}"));
        assertTrue(PrometheusText.value(metrics, "holdfast_pool_max{pool=\"main\"}") >= 1);
        assertEquals(0.0, PrometheusText.value(metrics, "holdfast_pool_connections{pool=\"main\",state=\"active\"}"));
    }

    @Test
    void openMetricsWhenTheScraperAsksForIt() {
        Answer answer = http.get("/auth/metrics", "Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertEquals(200, answer.status());
        assertTrue(answer.header("Content-Type").startsWith("application/openmetrics-text"), answer.header("Content-Type"));
        assertTrue(answer.body().trim().endsWith("# EOF"), answer.body());
        assertEquals("no-store", answer.header("Cache-Control"));
    }

    @Test
    void aClientOutsideHealthAllowGetsTheSame404AsForHealth() throws IOException {
        for (String path : new String[] {"/auth/metrics", "/auth/health"}) {
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            RawHttp.Response outside = RawHttp.exchange("127.0.0.2", jetty.port(), request, 1).get(0);
            assertEquals(404, outside.status(), path + " from 127.0.0.2");
            assertFalse(outside.body().contains("holdfast_"), outside.body());
            assertEquals(200, RawHttp.exchange("127.0.0.1", jetty.port(), request, 1).get(0).status(), path + " from 127.0.0.1");
        }
    }

    @Test
    void theMetersAreMBeansOfThisApplication() throws Exception {
        Set<ObjectName> names = HoldfastMBeans.all().stream()
                .filter(name -> ObjectName.unquote(name.getKeyProperty("name")).equals("holdfastPoolMax.pool.main"))
                .collect(Collectors.toSet());
        assertEquals(1, names.size(), "one application here: " + HoldfastMBeans.all());
        ObjectName poolMax = names.iterator().next();
        assertTrue(ObjectName.unquote(poolMax.getKeyProperty("app")).startsWith("ROOT-"), poolMax.toString());
        double value = ((Number) HoldfastMBeans.PLATFORM.getAttribute(poolMax, "Value")).doubleValue();
        assertTrue(value >= 1, poolMax + " = " + value);
    }

    @Test
    void withMetricsOffTheEndpointIsA404AndTheFilterStillWorks() {
        LoginHarness off = new LoginHarness();
        try (EmbeddedJetty quiet = LoginHarness.builder(url, "holdfast-metrics-off")
                .contextParameter("holdfast.metrics.enabled", "false").start()) {
            off.use(quiet);
            assertEquals(404, off.get("/auth/metrics").status());
            Answer login = off.jsonLogin("alice", "alice-password");
            assertEquals(200, login.status(), login.toString());
            assertEquals(200, off.get("/app/", "Authorization", "Bearer " + login.token()).status());
        }
    }
}
