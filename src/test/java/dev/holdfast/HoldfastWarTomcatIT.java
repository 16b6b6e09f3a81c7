package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.EmbeddedTomcat;
import dev.holdfast.testing.RawHttp;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built {@code holdfast.war} in a real Tomcat 10.1, its users from a JNDI DataSource declared as
 * context.xml would ({@code <Resource name="jdbc/users">}), its settings as context parameters. There is no
 * {@code holdfast.db.url}: every login that works here went through the container's DataSource.
 */
class HoldfastWarTomcatIT {
    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");

    private static EmbeddedTomcat tomcat;
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void deploy() throws IOException {
        TestDatabase database = TestDatabase.shared();
        String url = database.createDatabaseWithSchema("tomcat_war");
        PasswordVerifier passwords = new PasswordVerifier();
        database.insertUser(url, "alice", passwords.hash("alice-password".toCharArray()), "user,admin", true);
        database.insertUser(url, "bob", passwords.hash("bob-password".toCharArray()), "user", true);
        Path spools = Files.createTempDirectory("holdfast-tomcat-war");
        tomcat = EmbeddedTomcat.builder()
                .dataSource("jdbc/users", url, database.user(), database.password() == null ? "" : database.password())
                .contextParameter("holdfast.db.jndi", "java:comp/env/jdbc/users")
                .contextParameter("holdfast.jwt.secret", TestSecrets.hmacSetting())
                .contextParameter("holdfast.audit.spool", spools.resolve("audit").toString())
                .contextParameter("holdfast.writes.spool", spools.resolve("writes").toString())
                .start();
    }

    @AfterAll
    static void undeploy() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(tomcat.uri(path)).GET();
    }

    private static HttpRequest.Builder post(String path, String contentType, String body) {
        return HttpRequest.newBuilder(tomcat.uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void theDisabledEmergencyEndpointAnswersExactlyLikeAMissingPath() throws Exception {
        String body = "{\"username\":\"alice\",\"password\":\"alice-password\"}";
        LoginFlowIT.assertSameAnswer(send(get("/auth/no-such-endpoint")), send(get("/auth/emergency-login")));
        LoginFlowIT.assertSameAnswer(send(post("/auth/no-such-endpoint", "application/json", body)),
                send(post("/auth/emergency-login", "application/json", body)));
    }

    private static HttpResponse<String> jsonLogin(String username, String password) throws IOException, InterruptedException {
        return send(post("/auth/login", JSON, "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"));
    }

    private static String token(HttpResponse<String> response) {
        Matcher matcher = TOKEN.matcher(response.body());
        assertTrue(matcher.find(), response.body());
        return matcher.group(1);
    }

    private static String cookie(HttpResponse<String> response) {
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /**
     * Tomcat too: the 413 reaches the client intact, never a reset. Tomcat closes the connection after every 413
     * by design, so the refusal says {@code Connection: close} and the pipelined request after it is not answered.
     */
    @Test
    void aBodyOverSixteenKibGetsItsRefusalAndTheConnectionStaysUsable() throws Exception {
        for (int run = 0; run < 5; run++) {
            HttpResponse<String> refused = send(post("/auth/login", JSON, "{\"username\":\"" + "x".repeat(17 * 1024)
                    + "\",\"password\":\"p\"}"));
            assertEquals(413, refused.statusCode(), refused.body());
        }
        byte[] big = ("{\"username\":\"" + "x".repeat(17 * 1024) + "\",\"password\":\"p\"}").getBytes(StandardCharsets.UTF_8);
        byte[] next = "{\"username\":\"nobody\",\"password\":\"p\"}".getBytes(StandardCharsets.UTF_8);
        String path = tomcat.uri("/auth/login").getPath();
        List<RawHttp.Response> answers = RawHttp.exchange("127.0.0.1", tomcat.uri("/").getPort(), RawHttp.concat(
                RawHttp.request("POST", path, JSON, big), RawHttp.request("POST", path, JSON, next, "Connection: close")), 2);
        assertEquals(413, answers.get(0).status(), answers.toString());
        assertEquals("close", answers.get(0).header("Connection"), answers.toString());
        assertEquals(1, answers.size(), answers.toString());
    }

    @Test
    void theDataSourceComesFromTheContainer() throws Exception {
        assertInstanceOf(DataSource.class, tomcat.lookup("jdbc/users"));
    }

    @Test
    void jsonLoginChecksThePasswordInTheJndiDatabase() throws Exception {
        HttpResponse<String> response = jsonLogin("alice", "alice-password");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"tier\":\"database\""), response.body());

        HttpResponse<String> page = send(get("/app/").header("Authorization", "Bearer " + token(response)));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("alice"), "the protected page shows getRemoteUser()");

        assertEquals(401, jsonLogin("alice", "wrong-password").statusCode());
    }

    @Test
    void formLoginRedirectsToNextWithTheCookie() throws Exception {
        HttpResponse<String> response = send(post("/auth/login", FORM,
                "username=bob&password=bob-password&next=%2Fapp%2Fnotes.jsp").header("Accept", "text/html"));
        assertEquals(303, response.statusCode());
        assertEquals("/app/notes.jsp", response.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> page = send(get("/app/notes.jsp").header("Cookie", cookie(response)).header("Accept", "text/html"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("bob"));
    }

    @Test
    void formLoginWithAWrongPasswordGoesBackToTheLoginPage() throws Exception {
        HttpResponse<String> response = send(post("/auth/login", FORM,
                "username=bob&password=nope&next=%2Fapp%2F").header("Accept", "text/html"));
        assertEquals(303, response.statusCode());
        assertEquals("/login.jsp?error=invalid&next=%2Fapp%2F", response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void adminPageNeedsTheAdminRole() throws Exception {
        String bob = token(jsonLogin("bob", "bob-password"));
        HttpResponse<String> refused = send(get("/admin/").header("Authorization", "Bearer " + bob));
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("insufficient_scope"), refused.body());

        String alice = token(jsonLogin("alice", "alice-password"));
        assertEquals(200, send(get("/admin/").header("Authorization", "Bearer " + alice)).statusCode());
    }

    @Test
    void logoutEndsTheTokenForApiClients() throws Exception {
        String token = token(jsonLogin("bob", "bob-password"));
        assertEquals(200, send(get("/app/").header("Authorization", "Bearer " + token)).statusCode());
        HttpResponse<String> logout = send(post("/auth/logout", JSON, "").header("Authorization", "Bearer " + token));
        assertEquals(204, logout.statusCode());
        assertTrue(logout.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, send(get("/app/").header("Authorization", "Bearer " + token)).statusCode());
    }

    @Test
    void logoutSendsABrowserBackToTheLoginPage() throws Exception {
        HttpResponse<String> login = send(post("/auth/login", FORM, "username=bob&password=bob-password")
                .header("Accept", "text/html"));
        String cookie = cookie(login);
        HttpResponse<String> logout = send(post("/auth/logout", FORM, "").header("Cookie", cookie)
                .header("Accept", "text/html").header("Origin", "http://127.0.0.1:" + tomcat.port()));
        assertEquals(303, logout.statusCode(), logout.body());
        assertEquals("/login.jsp?logged_out", logout.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> after = send(get("/app/").header("Cookie", cookie).header("Accept", "text/html"));
        assertEquals(302, after.statusCode(), "the revoked cookie no longer opens the app");
    }

    @Test
    void apiClientWithoutATokenGets401() throws Exception {
        HttpResponse<String> response = send(get("/app/").header("Accept", JSON));
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                response.headers().toString());
        assertFalse(response.headers().firstValue("Location").isPresent());
    }

    @Test
    void browserWithoutATokenIsRedirectedToTheLoginPage() throws Exception {
        HttpResponse<String> response = send(get("/app/notes.jsp?sort=new").header("Accept", "text/html"));
        assertEquals(302, response.statusCode());
        assertEquals("/login.jsp?next=%2Fapp%2Fnotes.jsp%3Fsort%3Dnew", response.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> page = send(get("/login.jsp?next=%2Fapp%2Fnotes.jsp"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("value=\"/app/notes.jsp\""), "the form keeps next");
    }

    @Test
    void healthReportsUpWithTheJndiPool() throws Exception {
        HttpResponse<String> health = send(get("/auth/health"));
        assertEquals(200, health.statusCode(), health.body());
        for (String field : List.of("\"status\":\"UP\"", "\"main\":", "\"breaker\":", "\"credentialTier\":")) {
            assertTrue(health.body().contains(field), field + " in " + health.body());
        }
    }
}
