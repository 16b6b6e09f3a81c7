package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.PrometheusText;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import dev.holdfast.testing.TomcatProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * ThreadLocals, JDBC drivers).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaxWarTomcat9IT {
    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final String APP = "/holdfast";

    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static FaultProxy proxy;
    private static Path spools;
    private static TomcatProcess tomcat;

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
        HttpResponse<String> login = jsonLogin("alice", "alice-password");
        assertEquals(200, login.statusCode(), login.body());
        assertTrue(login.body().contains("\"tier\":\"database\""), login.body());

        HttpResponse<String> page = send(get("/app/").header("Authorization", "Bearer " + token(login)));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("alice"), "the JSP shows getRemoteUser()");

        assertEquals(401, jsonLogin("alice", "wrong-password").statusCode());
    }

    @Test
    @Order(3)
    void aBrowserIsSentToTheLoginPageAndAFormLoginLandsOnNextWithTheCookie() throws Exception {
        HttpResponse<String> redirect = send(get("/app/notes.jsp").header("Accept", "text/html"));
        assertEquals(302, redirect.statusCode());
        assertEquals(APP + "/login.jsp?next=%2Fapp%2Fnotes.jsp", redirect.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> login = send(post("/auth/login", FORM,
                "username=bob&password=bob-password&next=%2Fapp%2Fnotes.jsp").header("Accept", "text/html"));
        assertEquals(303, login.statusCode(), login.body());
        assertEquals(APP + "/app/notes.jsp", login.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = send(get("/app/notes.jsp").header("Cookie", cookie(login)).header("Accept", "text/html"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("bob"), page.body());
    }

    @Test
    @Order(4)
    void theAdminPageNeedsTheAdminRole() throws Exception {
        String bob = token(jsonLogin("bob", "bob-password"));
        assertEquals(403, send(get("/admin/").header("Authorization", "Bearer " + bob)).statusCode());
        String alice = token(jsonLogin("alice", "alice-password"));
        assertEquals(200, send(get("/admin/").header("Authorization", "Bearer " + alice)).statusCode());
    }

    /** alice logged in through the database above; carol never did. The database now refuses connections. */
    @Test
    @Order(5)
    void whileTheDatabaseIsDownTheCredentialTierLogsInRecentUsersOnly() throws Exception {
        proxy.refuse();
        proxy.killAll();
        try {
            HttpResponse<String> cached = jsonLogin("alice", "alice-password");
            assertEquals(200, cached.statusCode(), cached.body());
            assertTrue(cached.body().contains("\"tier\":\"cache\""), cached.body());
            assertEquals(200, send(get("/app/").header("Authorization", "Bearer " + token(cached))).statusCode());

            assertEquals(401, jsonLogin("alice", "not-alices-password").statusCode());
            HttpResponse<String> stranger = jsonLogin("carol", "carol-password");
            assertEquals(503, stranger.statusCode(), stranger.body());
            assertTrue(stranger.headers().firstValue("Retry-After").isPresent(), stranger.headers().toString());
        } finally {
            proxy.pass();
        }
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(60), () -> {
            try {
                HttpResponse<String> back = jsonLogin("carol", "carol-password");
                return back.statusCode() == 200 && back.body().contains("\"tier\":\"database\"");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }), "logins came back to the database once it answered again");
    }

    @Test
    @Order(6)
    void logoutEndsTheToken() throws Exception {
        String token = token(jsonLogin("bob", "bob-password"));
        assertEquals(200, send(get("/app/").header("Authorization", "Bearer " + token)).statusCode());

        HttpResponse<String> logout = send(post("/auth/logout", JSON, "").header("Authorization", "Bearer " + token));

        assertEquals(204, logout.statusCode());
        assertTrue(logout.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, send(get("/app/").header("Authorization", "Bearer " + token)).statusCode());
    }

    @Test
    @Order(7)
    void healthIsUpAndMetricsCountTheLogins() throws Exception {
        HttpResponse<String> health = send(get("/auth/health"));
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
        HttpResponse<String> metrics = send(get("/auth/metrics"));
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
                return send(get("/auth/health")).statusCode() == 404;
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

    private static HttpResponse<String> jsonLogin(String username, String password) throws IOException, InterruptedException {
        return send(post("/auth/login", JSON, "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"));
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(tomcat.uri(APP + path)).GET();
    }

    private static HttpRequest.Builder post(String path, String contentType, String body) {
        return HttpRequest.newBuilder(tomcat.uri(APP + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(HttpResponse<String> response) {
        Matcher matcher = TOKEN.matcher(response.body());
        assertTrue(matcher.find(), response.body());
        return matcher.group(1);
    }

    private static String cookie(HttpResponse<String> response) {
        String setCookie = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("holdfast_token=")).findFirst().orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }
}
