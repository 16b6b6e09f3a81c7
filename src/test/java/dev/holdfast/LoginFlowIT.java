package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built WAR in a real Jetty 12, a real PostgreSQL behind a fault proxy, real HTTP: the login endpoints end to end. */
class LoginFlowIT {
    private static final String JSON = "application/json";
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");

    private static TestDatabase database;
    private static String url;
    private static FaultProxy proxy;
    private static EmbeddedJetty jetty;
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void deploy() throws IOException {
        database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("loginflow");
        PasswordVerifier passwords = new PasswordVerifier();
        database.insertUser(url, "alice", passwords.hash("alice-password".toCharArray()), "user,admin", true);
        database.insertUser(url, "bob", passwords.hash("bob-password".toCharArray()), "user", true);
        database.insertUser(url, "mallory", passwords.hash("mallory-password".toCharArray()), "user", false);
        proxy = FaultProxy.inFrontOf(database);
        jetty = LoginHarness.builder(proxy.wrap(url), "holdfast-loginflow")
                .contextParameter("holdfast.db.maxWait", "PT0.5S")
                .contextParameter("holdfast.db.queryTimeout", "PT1S")
                .contextParameter("holdfast.breaker.openFor", "PT2S")
                .start();
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

    /** Each test starts with the database answering and the breaker closed again (an outage test opens it). */
    @BeforeEach
    void databaseAnswers() throws Exception {
        proxy.pass();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!get("/auth/health").body().contains("\"status\":\"UP\"")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the database did not come back: " + get("/auth/health").body());
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> post(String path, String contentType, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(jetty.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(jetty.uri(path)).timeout(Duration.ofSeconds(20)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> jsonLogin(String username, String password) throws IOException, InterruptedException {
        return post("/auth/login", JSON, "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    private static String token(HttpResponse<String> response) {
        Matcher matcher = TOKEN.matcher(response.body());
        assertTrue(matcher.find(), response.body());
        return matcher.group(1);
    }

    @Test
    void jsonLoginIssuesTokenAndCookieFromTheDatabaseTier() throws Exception {
        HttpResponse<String> response = jsonLogin("alice", "alice-password");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"token_type\":\"Bearer\""), response.body());
        assertTrue(response.body().contains("\"tier\":\"database\""), response.body());
        assertTrue(response.body().contains("\"expires_in\":3600"), response.body());
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("holdfast_token="), cookie);
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Lax"), cookie);
        assertTrue(cookie.contains("Max-Age=3600"), cookie);
        assertFalse(cookie.contains("Secure"), "plain HTTP without X-Forwarded-Proto: " + cookie);
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));

        HttpResponse<String> page = get("/app/", "Authorization", "Bearer " + token(response));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("alice"), "the protected page shows getRemoteUser()");
    }

    @Test
    void wrongPasswordUnknownAndDisabledUsersGetTheSameAnswer() throws Exception {
        HttpResponse<String> wrong = jsonLogin("bob", "not-bobs-password");
        HttpResponse<String> unknown = jsonLogin("nobody-" + System.nanoTime(), "whatever");
        HttpResponse<String> disabled = jsonLogin("mallory", "mallory-password");
        for (HttpResponse<String> response : List.of(wrong, unknown, disabled)) {
            assertEquals(401, response.statusCode());
            assertEquals("{\"error\":\"invalid_credentials\",\"error_description\":\"the username or password is wrong\"}",
                    response.body());
        }
    }

    @Test
    void browserFormLoginRedirectsToNextWithTheCookie() throws Exception {
        HttpResponse<String> response = post("/auth/login", "application/x-www-form-urlencoded",
                "username=bob&password=bob-password&next=%2Fapp%2Fnotes.jsp%3Fx%3D1", "Accept", "text/html");
        assertEquals(303, response.statusCode());
        assertEquals(jetty.uri("/app/notes.jsp?x=1").getPath() + "?x=1",
                URI.create(response.headers().firstValue("Location").orElseThrow()).getPath() + "?x=1");
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        String value = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> page = get("/app/", "Cookie", value, "Accept", "text/html");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("bob"));
    }

    @Test
    void browserFormRefusesOpenRedirect() throws Exception {
        for (String next : List.of("%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example", "%2F%252F%252Fevil.example")) {
            HttpResponse<String> response = post("/auth/login", "application/x-www-form-urlencoded",
                    "username=bob&password=bob-password&next=" + next, "Accept", "text/html");
            assertEquals(303, response.statusCode());
            String location = response.headers().firstValue("Location").orElseThrow();
            assertFalse(location.contains("evil"), next + " -> " + location);
        }
    }

    @Test
    void browserFormWrongPasswordGoesBackToLoginPage() throws Exception {
        HttpResponse<String> response = post("/auth/login", "application/x-www-form-urlencoded",
                "username=bob&password=nope&next=%2Fapp%2F", "Accept", "text/html");
        assertEquals(303, response.statusCode());
        assertTrue(response.headers().firstValue("Location").orElseThrow().endsWith("/login.jsp?error=invalid&next=%2Fapp%2F"));
    }

    @Test
    void databaseDownServesCachedUsersAndAnswers503ForOthers() throws Exception {
        assertEquals(200, jsonLogin("alice", "alice-password").statusCode());
        proxy.blackhole();
        try {
            long start = System.nanoTime();
            HttpResponse<String> cached = jsonLogin("alice", "alice-password");
            long firstMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, cached.statusCode(), cached.body());
            assertTrue(cached.body().contains("\"tier\":\"cache\""), cached.body());
            assertTrue(firstMillis < 5_000, "bounded by db.maxWait + db.queryTimeout, took " + firstMillis + " ms");

            HttpResponse<String> wrong = jsonLogin("alice", "wrong-password");
            assertEquals(401, wrong.statusCode());

            HttpResponse<String> uncached = jsonLogin("bob-never-logged-in", "whatever");
            assertEquals(503, uncached.statusCode());
            assertEquals("{\"error\":\"temporarily_unavailable\",\"error_description\":\"logins cannot be checked right now; try again shortly\"}",
                    uncached.body());
            assertTrue(uncached.headers().firstValue("Retry-After").isPresent());

            HttpResponse<String> health = get("/auth/health");
            assertTrue(health.body().contains("\"status\":\"DEGRADED\""), health.body());
        } finally {
            proxy.pass();
        }
    }

    @Test
    void logoutRevokesTheToken() throws Exception {
        String token = token(jsonLogin("bob", "bob-password"));
        assertEquals(200, get("/app/", "Authorization", "Bearer " + token).statusCode());
        HttpResponse<String> logout = post("/auth/logout", JSON, "", "Authorization", "Bearer " + token);
        assertEquals(204, logout.statusCode());
        assertTrue(logout.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, get("/app/", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void adminAreaNeedsTheRole() throws Exception {
        String bob = token(jsonLogin("bob", "bob-password"));
        assertEquals(403, get("/admin/", "Authorization", "Bearer " + bob).statusCode());
        String alice = token(jsonLogin("alice", "alice-password"));
        assertEquals(200, get("/admin/", "Authorization", "Bearer " + alice).statusCode());
    }

    @Test
    void healthReportsPoolsTierAndSpools() throws Exception {
        HttpResponse<String> health = get("/auth/health");
        assertEquals(200, health.statusCode(), health.body());
        for (String field : List.of("\"status\":\"UP\"", "\"main\":", "\"breaker\":", "\"credentialTier\":", "\"auditSpool\":")) {
            assertTrue(health.body().contains(field), field + " in " + health.body());
        }
    }

    /** An outsider compares the hidden endpoint with a path that does not exist: nothing may differ. */
    @Test
    void theDisabledEmergencyEndpointAnswersExactlyLikeAMissingPath() throws Exception {
        String body = "{\"username\":\"alice\",\"password\":\"alice-password\"}";
        assertEquals(404, get("/auth/emergency-login").statusCode());
        assertSameAnswer(get("/auth/no-such-endpoint"), get("/auth/emergency-login"));
        assertSameAnswer(post("/auth/no-such-endpoint", JSON, body), post("/auth/emergency-login", JSON, body));
        assertSameAnswer(post("/auth/no-such-endpoint", "application/x-www-form-urlencoded", "username=alice"),
                post("/auth/emergency-login", "application/x-www-form-urlencoded", "username=alice"));
    }

    /** Jetty answers a POST to a missing path 405, Tomcat 404: whichever it is, the hidden endpoint answers the same. */
    static void assertSameAnswer(HttpResponse<String> missing, HttpResponse<String> hidden) {
        assertTrue(missing.statusCode() == 404 || missing.statusCode() == 405, missing.body());
        assertEquals(missing.statusCode(), hidden.statusCode(), hidden.body());
        assertEquals(headersButDate(missing), headersButDate(hidden));
        assertEquals(missing.body(), hidden.body());
    }

    /**
     * The headers that describe the answer. Left out: the date, and the connection's own fate, which Jetty decides
     * by whether a refused POST's body had fully arrived when the answer was written: a race on both paths alike.
     */
    private static Map<String, List<String>> headersButDate(HttpResponse<String> response) {
        Map<String, List<String>> headers = new TreeMap<>(response.headers().map());
        headers.remove("date");
        headers.remove("connection");
        headers.remove("keep-alive");
        return headers;
    }

    @Test
    void everyLoginAttemptIsAudited() throws Exception {
        jsonLogin("bob", "bob-password");
        jsonLogin("bob", "bad");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int rows = 0;
        while (System.nanoTime() < deadline) {
            rows = count("SELECT count(*) FROM holdfast_audit WHERE username = 'bob'");
            if (rows >= 2) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(rows >= 2, "audit rows for bob: " + rows);
    }

    @Test
    void wrongMethodAndOversizedBody() throws Exception {
        assertEquals(405, get("/auth/login").statusCode());
        HttpResponse<String> huge = post("/auth/login", JSON, "{\"username\":\"" + "a".repeat(17_000) + "\",\"password\":\"x\"}");
        assertEquals(413, huge.statusCode());
        assertEquals(415, post("/auth/login", "text/plain", "username=a&password=b").statusCode());
    }

    private static int count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
