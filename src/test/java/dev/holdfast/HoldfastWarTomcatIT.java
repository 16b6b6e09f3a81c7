package dev.holdfast;

import static dev.holdfast.testing.AppClient.FORM;
import static dev.holdfast.testing.AppClient.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.AppClient;
import dev.holdfast.testing.EmbeddedTomcat;
import dev.holdfast.testing.RawHttp;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built {@code holdfast.war} in a real Tomcat 10.1, its users from a JNDI DataSource declared as
 * context.xml would ({@code <Resource name="jdbc/users">}), its settings as context parameters. There is no
 * {@code holdfast.db.url}: every login that works here went through the container's DataSource. The steps
 * both editions share are {@link WarScenario}'s; {@link JavaxWarTomcat9IT} runs them in Tomcat 9.
 */
class HoldfastWarTomcatIT {
    private static EmbeddedTomcat tomcat;
    private static AppClient app;
    private static WarScenario scenario;

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
        app = new AppClient(tomcat::uri);
        scenario = new WarScenario(app, "");
    }

    @AfterAll
    static void undeploy() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void theDisabledEmergencyEndpointAnswersExactlyLikeAMissingPath() throws Exception {
        String body = "{\"username\":\"alice\",\"password\":\"alice-password\"}";
        LoginFlowIT.assertSameAnswer(app.send(app.get("/auth/no-such-endpoint")), app.send(app.get("/auth/emergency-login")));
        LoginFlowIT.assertSameAnswer(app.send(app.post("/auth/no-such-endpoint", "application/json", body)),
                app.send(app.post("/auth/emergency-login", "application/json", body)));
    }

    /**
     * Tomcat too: the 413 reaches the client intact, never a reset. Tomcat closes the connection after every 413
     * by design, so the refusal says {@code Connection: close} and the pipelined request after it is not answered.
     */
    @Test
    void aBodyOverSixteenKibGetsItsRefusalAndTheConnectionStaysUsable() throws Exception {
        for (int run = 0; run < 5; run++) {
            HttpResponse<String> refused = app.send(app.post("/auth/login", JSON, "{\"username\":\"" + "x".repeat(17 * 1024)
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
        scenario.jsonLoginChecksThePasswordInTheDatabaseAndTheTokenOpensTheApp();
    }

    @Test
    void formLoginRedirectsToNextWithTheCookie() throws Exception {
        scenario.aFormLoginLandsOnNextWithTheCookie();
    }

    @Test
    void formLoginWithAWrongPasswordGoesBackToTheLoginPage() throws Exception {
        HttpResponse<String> response = app.send(app.post("/auth/login", FORM,
                "username=bob&password=nope&next=%2Fapp%2F").header("Accept", "text/html"));
        assertEquals(303, response.statusCode());
        assertEquals("/login.jsp?error=invalid&next=%2Fapp%2F", response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void adminPageNeedsTheAdminRole() throws Exception {
        scenario.theAdminPageNeedsTheAdminRole();
    }

    @Test
    void logoutEndsTheTokenForApiClients() throws Exception {
        scenario.logoutEndsTheTokenForApiClients();
    }

    @Test
    void logoutSendsABrowserBackToTheLoginPage() throws Exception {
        HttpResponse<String> login = app.send(app.post("/auth/login", FORM, "username=bob&password=bob-password")
                .header("Accept", "text/html"));
        String cookie = AppClient.cookie(login);
        HttpResponse<String> logout = app.send(app.post("/auth/logout", FORM, "").header("Cookie", cookie)
                .header("Accept", "text/html").header("Origin", "http://127.0.0.1:" + tomcat.port()));
        assertEquals(303, logout.statusCode(), logout.body());
        assertEquals("/login.jsp?logged_out", logout.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> after = app.send(app.get("/app/").header("Cookie", cookie).header("Accept", "text/html"));
        assertEquals(302, after.statusCode(), "the revoked cookie no longer opens the app");
    }

    @Test
    void apiClientWithoutATokenGets401() throws Exception {
        HttpResponse<String> response = app.send(app.get("/app/").header("Accept", JSON));
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                response.headers().toString());
        assertFalse(response.headers().firstValue("Location").isPresent());
    }

    @Test
    void browserWithoutATokenIsRedirectedToTheLoginPage() throws Exception {
        scenario.aBrowserWithoutATokenIsSentToTheLoginPageWhichKeepsNext();
    }

    @Test
    void healthReportsUpWithTheJndiPool() throws Exception {
        scenario.healthIsUp();
    }
}
