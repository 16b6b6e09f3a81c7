package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample legacy app made protected exactly as docs/deploying-on-tomcat.md says, and nothing more:
 * target/holdfast-lib/*.jar copied into WEB-INF/lib, login.jsp and its two static files copied from the WAR,
 * the doc's own web.xml block pasted into the app's web.xml, and context.xml settings (a JNDI DataSource and
 * {@code <Parameter>}s). Its JSPs are unchanged and learn the user through getRemoteUser()/isUserInRole().
 * The checks both Tomcats must pass are {@link LegacyAppScenario}'s; {@link ProtectedLegacyAppTomcat9IT} runs
 * them in Tomcat 9.
 */
class ProtectedLegacyAppIT {

    private static Path app;
    private static EmbeddedTomcat tomcat;
    private static AppClient orders;
    private static LegacyAppScenario scenario;

    @BeforeAll
    static void protectAndDeploy() throws Exception {
        TestDatabase database = TestDatabase.shared();
        String jdbcUrl = database.createDatabaseWithSchema("legacy_app");
        PasswordVerifier passwords = new PasswordVerifier();
        database.insertUser(jdbcUrl, "alice", passwords.hash("alice-password".toCharArray()), "user,admin", true);
        database.insertUser(jdbcUrl, "bob", passwords.hash("bob-password".toCharArray()), "user", true);
        String dbPassword = database.password() == null ? "" : database.password();

        app = Files.createTempDirectory("holdfast-legacy-app");
        LegacyAppScenario.copyTree(LegacyAppIT.LEGACY_APP, app);
        // Step 1: the jars.
        LegacyAppScenario.copyJars(Path.of("target/holdfast-lib"), app, jar -> false);
        // Step 2: the login page and its two static files, from the WAR.
        LegacyAppScenario.copyLoginPage(Wars.builtWar(), app);
        // Step 4: the web.xml entries.
        LegacyAppScenario.addTheDocsWebXmlBlock(app);

        // Step 5: context.xml, as a <Resource> and <Parameter override="false"> elements.
        tomcat = EmbeddedTomcat.builder()
                .war(app)
                .contextPath("/orders")
                .dataSource("jdbc/users", jdbcUrl, database.user(), dbPassword)
                .contextParameters(Map.of(
                        "holdfast.db.jndi", "java:comp/env/jdbc/users",
                        "holdfast.jwt.secret", TestSecrets.hmacSetting(),
                        "holdfast.emergency.enabled", "true",
                        "holdfast.emergency.db.url", jdbcUrl))
                .start();
        orders = new AppClient(tomcat::uri);
        scenario = new LegacyAppScenario(orders);
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        if (app != null) {
            try (Stream<Path> paths = Files.walk(app)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void sendsABrowserToTheLoginPageAndKeepsThePageItAskedFor() throws Exception {
        scenario.sendsABrowserToTheLoginPageAndKeepsThePageItAskedFor();
    }

    @Test
    void answersAnApiClientWithoutATokenWith401AndABearerChallenge() throws Exception {
        HttpResponse<String> response = orders.send(orders.get("/orders.jsp"));

        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                response.headers().toString());
    }

    @Test
    void servesTheCopiedLoginPageAndItsScriptWithoutAToken() throws Exception {
        HttpResponse<String> page = orders.send(orders.get("/login.jsp?next=%2Forders.jsp"));
        HttpResponse<String> script = orders.send(orders.get("/static/login.js"));

        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("action=\"/orders/auth/login\""), page.body());
        assertTrue(page.body().contains("name=\"next\" value=\"/orders.jsp\""), page.body());
        assertEquals(200, script.statusCode());
    }

    @Test
    void theLegacyPagesSeeTheSignedInUserAndRolesThroughTheServletApi() throws Exception {
        scenario.theLegacyPagesSeeTheSignedInUserAndRolesThroughTheServletApi();
    }

    @Test
    void refusesTheAdminPageToAUserWithoutTheRole() throws Exception {
        scenario.refusesTheAdminPageToAUserWithoutTheRoleAndAWrongPasswordWith401();
    }

    @Test
    void aBrowserFormLoginLandsOnNextWithTheCookieAndTheLegacyPageKnowsTheUser() throws Exception {
        scenario.aBrowserFormLoginLandsOnNextWithTheCookieAndTheLegacyPageKnowsTheUser();
    }

    @Test
    void aLoggedOutTokenIsRefused() throws Exception {
        scenario.aLoggedOutTokenIsRefused();
    }
}
