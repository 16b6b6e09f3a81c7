package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample legacy app as it runs on Tomcat 9 (a Servlet 4.0 {@code web.xml}, {@code javax.servlet}), made
 * protected exactly as docs/deploying-on-tomcat.md says for Tomcat 9, and nothing more: the jars of
 * {@code target/holdfast-javax-lib/} in WEB-INF/lib (the PostgreSQL driver in Tomcat's {@code lib/}, as a
 * JNDI DataSource needs), login.jsp and its two static files from {@code holdfast-javax.war}, the doc's
 * web.xml block, and a context descriptor with the DataSource and {@code <Parameter>}s. It runs in a real
 * Tomcat 9.0 started from its distribution. The app has no SLF4J binding of its own, so Holdfast logs nothing,
 * and SLF4J says so once, as the doc warns. The checks both Tomcats must pass are {@link LegacyAppScenario}'s,
 * which {@link ProtectedLegacyAppIT} runs in Tomcat 10.1.
 */
class ProtectedLegacyAppTomcat9IT {

    private static final Path JAVAX_LIB = Paths.get("target/holdfast-javax-lib");

    private static Path app;
    private static Path appWithJulBinding;
    private static Path spools;
    private static TomcatProcess tomcat;
    private static AppClient orders;
    private static LegacyAppScenario scenario;

    @BeforeAll
    static void protectAndDeploy() throws Exception {
        TestDatabase database = TestDatabase.shared();
        String jdbcUrl = database.createDatabaseWithSchema("legacy_app9");
        PasswordVerifier passwords = new PasswordVerifier();
        database.insertUser(jdbcUrl, "alice", passwords.hash("alice-password".toCharArray()), "user,admin", true);
        database.insertUser(jdbcUrl, "bob", passwords.hash("bob-password".toCharArray()), "user", true);

        app = Files.createTempDirectory("holdfast-legacy-app9");
        appWithJulBinding = Files.createTempDirectory("holdfast-legacy-app9-jul");
        spools = Files.createTempDirectory("holdfast-legacy-app9-spools");
        Path driver = protect(app);
        protect(appWithJulBinding);
        // The doc's advice to an app without a binding: slf4j-jdk14, the same version as slf4j-api.
        Path jdk14 = Paths.get(System.getProperty("test.slf4j-jdk14.jar", "target/it/bindings/slf4j-jdk14-2.0.17.jar"));
        Files.copy(jdk14, appWithJulBinding.resolve("WEB-INF/lib").resolve(jdk14.getFileName()));

        // Step 5: the context descriptors.
        String dbPassword = database.password() == null ? "" : database.password();
        tomcat = TomcatProcess.builder(TomcatProcess.tomcat9Home())
                .libJar(driver)
                .context(TomcatProcess.context("/orders", app)
                        .dataSource("jdbc/users", jdbcUrl, database.user(), dbPassword)
                        .parameter("holdfast.db.jndi", "java:comp/env/jdbc/users")
                        .parameter("holdfast.jwt.secret", TestSecrets.hmacSetting())
                        .parameter("holdfast.audit.spool", spools.resolve("audit").toString())
                        .parameter("holdfast.writes.spool", spools.resolve("writes").toString()))
                .context(TomcatProcess.context("/orders-jul", appWithJulBinding)
                        .dataSource("jdbc/users", jdbcUrl, database.user(), dbPassword)
                        .parameter("holdfast.db.jndi", "java:comp/env/jdbc/users")
                        .parameter("holdfast.jwt.secret", TestSecrets.hmacSetting())
                        .parameter("holdfast.audit.spool", spools.resolve("jul-audit").toString())
                        .parameter("holdfast.writes.spool", spools.resolve("jul-writes").toString()))
                .start();
        orders = new AppClient(path -> tomcat.uri("/orders" + path));
        scenario = new LegacyAppScenario(orders);
    }

    /** Steps 1, 2 and 4 of the doc, on a copy of the sample app; returns the driver, which goes to Tomcat's lib/. */
    private static Path protect(Path app) throws Exception {
        LegacyAppScenario.copyTree(LegacyAppIT.LEGACY_APP, app);
        Files.copy(Paths.get("src/test/legacy-app-javax/WEB-INF/web.xml"), app.resolve("WEB-INF/web.xml"),
                StandardCopyOption.REPLACE_EXISTING);
        // Step 1: the jars; the driver goes to Tomcat's lib/ because the users come from a JNDI DataSource.
        List<Path> drivers = LegacyAppScenario.copyJars(JAVAX_LIB, app,
                jar -> jar.getFileName().toString().startsWith("postgresql-"));
        assertTrue(drivers.size() == 1, "the javax lib ships the PostgreSQL driver");
        // Step 2: the login page and its two static files, from the javax WAR.
        LegacyAppScenario.copyLoginPage(Paths.get(System.getProperty("test.holdfast.javax.war", "target/holdfast-javax.war")), app);
        // Step 4: the doc's web.xml block, the same for Tomcat 9 and 10.1.
        LegacyAppScenario.addTheDocsWebXmlBlock(app);
        return drivers.get(0);
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        for (Path dir : new Path[] {app, appWithJulBinding, spools}) {
            if (dir != null) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void sendsABrowserToTheLoginPageAndKeepsThePageItAskedFor() throws Exception {
        scenario.sendsABrowserToTheLoginPageAndKeepsThePageItAskedFor();
    }

    @Test
    void theLegacyPagesSeeTheSignedInUserAndRolesThroughTheServletApi() throws Exception {
        scenario.theLegacyPagesSeeTheSignedInUserAndRolesThroughTheServletApi();
    }

    @Test
    void refusesTheAdminPageToAUserWithoutTheRoleAndAWrongPasswordWith401() throws Exception {
        scenario.refusesTheAdminPageToAUserWithoutTheRoleAndAWrongPasswordWith401();
    }

    @Test
    void aBrowserFormLoginLandsOnNextWithTheCookieAndTheLegacyPageKnowsTheUser() throws Exception {
        scenario.aBrowserFormLoginLandsOnNextWithTheCookieAndTheLegacyPageKnowsTheUser();
    }

    /** The doc's block declares /auth/metrics: the relocated Micrometer of the javax lib serves it in Tomcat 9. */
    @Test
    void theMetricsServletOfTheDocsBlockCountsLogins() throws Exception {
        assertEquals(401, orders.send(orders.formLogin("bob", "not-bobs-password")).statusCode());
        HttpResponse<String> metrics = orders.send(orders.get("/auth/metrics"));
        assertEquals(200, metrics.statusCode(), metrics.body());
        String contentType = metrics.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(contentType.replace(" ", "").startsWith("text/plain;version=0.0.4"), contentType); // Tomcat drops the spaces
        assertTrue(PrometheusText.value(metrics.body(),
                "holdfast_logins_total{endpoint=\"login\",outcome=\"invalid_credentials\",tier=\"none\"}") >= 1, metrics.body());
    }

    @Test
    void aLoggedOutTokenIsRefused() throws Exception {
        scenario.aLoggedOutTokenIsRefused();
    }

    @Test
    void withoutABindingOfItsOwnTheAppGetsSlf4jsOneNoOperationWarningAndNoError() {
        String log = tomcat.log();

        assertTrue(log.contains("No SLF4J providers were found"), log);
        assertFalse(log.contains("SEVERE"), log);
    }

    /** The same app with slf4j-jdk14 added, as the doc suggests: Holdfast's lines, audit included, in Tomcat's log. */
    @Test
    void withSlf4jJdk14HoldfastsLinesGoToTomcatsOwnLog() throws Exception {
        AppClient ordersJul = new AppClient(path -> tomcat.uri("/orders-jul" + path));
        HttpResponse<String> login = ordersJul.send(ordersJul.formLogin("bob", "bob-password"));
        assertEquals(200, login.statusCode(), login.body());

        // JULI's one-line format: "<date> INFO [<thread>] <class>.<method> <message>"
        Pattern holdfastLine = Pattern.compile("(?m)^\\S+ \\S+ INFO \\[[^\\]]+\\] dev\\.holdfast\\.");
        Pattern auditLine = Pattern.compile("(?m)^\\S+ \\S+ INFO \\[[^\\]]+\\] \\S+ .*user=bob");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!auditLine.matcher(tomcat.log()).find() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(holdfastLine.matcher(tomcat.log()).find(), tomcat.log());
        assertTrue(auditLine.matcher(tomcat.log()).find(), tomcat.log());
    }
}
