package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.AppClient;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.PrometheusText;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import dev.holdfast.testing.TomcatProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The javax edition, {@code holdfast-javax.war}, in a real Tomcat 9.0 (Servlet 4.0) started from its
 * distribution, as an admin deploys it: a context descriptor with {@code <Parameter>}s. Its database sits
 * behind a {@link FaultProxy}, so the credential tier is tried under a real fault. Last, the application is
 * undeployed while Tomcat runs, and Tomcat, once stopped, must have reported no leak of it (threads,
 * ThreadLocals, JDBC drivers). The steps both editions share are {@link WarScenario}'s, which
 * {@link HoldfastWarTomcatIT} runs in Tomcat 10.1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaxWarTomcat9IT {
    private static final String APP = "/holdfast";

    private static FaultProxy proxy;
    private static Path spools;
    private static TomcatProcess tomcat;
    private static AppClient app;
    private static WarScenario scenario;

    @BeforeAll
    static void deploy() throws IOException {
        TestDatabase database = TestDatabase.shared();
        String url = database.createDatabaseWithSchema("tomcat9_war");
        PasswordVerifier passwords = new PasswordVerifier();
        database.insertUser(url, "alice", passwords.hash("alice-password".toCharArray()), "user,admin", true);
        database.insertUser(url, "bob", passwords.hash("bob-password".toCharArray()), "user", true);
        database.insertUser(url, "carol", passwords.hash("carol-password".toCharArray()), "user", true);
        proxy = FaultProxy.inFrontOf(database);
        spools = Files.createTempDirectory("holdfast-tomcat9-war");
        Path war = Paths.get(System.getProperty("test.holdfast.javax.war", "target/holdfast-javax.war"));
        tomcat = TomcatProcess.builder(TomcatProcess.tomcat9Home())
                .context(TomcatProcess.context(APP, war)
                        .parameter("holdfast.db.url", proxy.wrap(url))
                        .parameter("holdfast.jwt.secret", TestSecrets.hmacSetting())
                        .parameter("holdfast.audit.spool", spools.resolve("audit").toString())
                        .parameter("holdfast.writes.spool", spools.resolve("writes").toString()))
                .start();
        app = new AppClient(path -> tomcat.uri(APP + path));
        scenario = new WarScenario(app, APP);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            if (spools != null) {
                try (Stream<Path> paths = Files.walk(spools)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    @Test
    @Order(1)
    void runsOnServlet4() {
        assertTrue(tomcat.log().contains("Apache Tomcat/9.0."), "the server is a Tomcat 9");
    }

    @Test
    @Order(2)
    void jsonLoginChecksThePasswordInTheDatabaseAndTheTokenOpensTheApp() throws Exception {
        scenario.jsonLoginChecksThePasswordInTheDatabaseAndTheTokenOpensTheApp();
    }

    @Test
    @Order(3)
    void aBrowserIsSentToTheLoginPageAndAFormLoginLandsOnNextWithTheCookie() throws Exception {
        scenario.aBrowserWithoutATokenIsSentToTheLoginPageWhichKeepsNext();
        scenario.aFormLoginLandsOnNextWithTheCookie();
    }

    @Test
    @Order(4)
    void theAdminPageNeedsTheAdminRole() throws Exception {
        scenario.theAdminPageNeedsTheAdminRole();
    }

    /** alice logged in through the database above; carol never did. The database now refuses connections. */
    @Test
    @Order(5)
    void whileTheDatabaseIsDownTheCredentialTierLogsInRecentUsersOnly() throws Exception {
        proxy.refuse();
        proxy.killAll();
        try {
            HttpResponse<String> cached = app.jsonLogin("alice", "alice-password");
            assertEquals(200, cached.statusCode(), cached.body());
            assertTrue(cached.body().contains("\"tier\":\"cache\""), cached.body());
            assertEquals(200, app.send(app.get("/app/").header("Authorization", "Bearer " + AppClient.token(cached))).statusCode());

            assertEquals(401, app.jsonLogin("alice", "not-alices-password").statusCode());
            HttpResponse<String> stranger = app.jsonLogin("carol", "carol-password");
            assertEquals(503, stranger.statusCode(), stranger.body());
            assertTrue(stranger.headers().firstValue("Retry-After").isPresent(), stranger.headers().toString());
        } finally {
            proxy.pass();
        }
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(60), () -> {
            try {
                HttpResponse<String> back = app.jsonLogin("carol", "carol-password");
                return back.statusCode() == 200 && back.body().contains("\"tier\":\"database\"");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }), "logins came back to the database once it answered again");
    }

    @Test
    @Order(6)
    void logoutEndsTheToken() throws Exception {
        scenario.logoutEndsTheTokenForApiClients();
    }

    @Test
    @Order(7)
    void healthIsUpAndMetricsCountTheLogins() throws Exception {
        scenario.healthIsUp();
        HttpResponse<String> metrics = app.send(app.get("/auth/metrics"));
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(PrometheusText.value(metrics.body(),
                "holdfast_logins_total{endpoint=\"login\",outcome=\"success\",tier=\"database\"}") >= 1, metrics.body());
    }

    @Test
    @Order(8)
    void undeploysWithoutLeavingAnythingBehind() throws Exception {
        tomcat.undeploy(APP);
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(60), () -> {
            try {
                return app.send(app.get("/auth/health")).statusCode() == 404;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }), "the application is gone");

        String log = tomcat.stop();

        assertTrue(log.contains("Undeploying context [" + APP + "]"), log);
        for (String leak : List.of("appears to have started a thread", "failed to unregister it",
                "created a ThreadLocal", "SEVERE")) {
            assertFalse(log.contains(leak), "Tomcat reported [" + leak + "]:\n" + log);
        }
    }
}
