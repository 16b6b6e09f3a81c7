package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
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
 * and SLF4J says so once, as the doc warns.
 */
class ProtectedLegacyAppTomcat9IT {

    private static final Path JAVAX_LIB = Paths.get("target/holdfast-javax-lib");
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path app;
    private static Path appWithJulBinding;
    private static Path spools;
    private static TomcatProcess tomcat;

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
    }

    /** Steps 1, 2 and 4 of the doc, on a copy of the sample app; returns the driver, which goes to Tomcat's lib/. */
    private static Path protect(Path app) throws Exception {
        ProtectedLegacyAppIT.copyTree(LegacyAppIT.LEGACY_APP, app);
        Files.copy(Paths.get("src/test/legacy-app-javax/WEB-INF/web.xml"), app.resolve("WEB-INF/web.xml"),
                StandardCopyOption.REPLACE_EXISTING);
        // Step 1: the jars; the driver goes to Tomcat's lib/ because the users come from a JNDI DataSource.
        Path lib = Files.createDirectories(app.resolve("WEB-INF/lib"));
        Path driver = null;
        try (Stream<Path> jars = Files.list(JAVAX_LIB)) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                if (jar.getFileName().toString().startsWith("postgresql-")) {
                    driver = jar;
                } else {
                    Files.copy(jar, lib.resolve(jar.getFileName()));
                }
            }
        }
        assertTrue(driver != null, "the javax lib ships the PostgreSQL driver");
        // Step 2: the login page and its two static files, from the javax WAR.
        Path javaxWar = Paths.get(System.getProperty("test.holdfast.javax.war", "target/holdfast-javax.war"));
        try (ZipFile war = new ZipFile(javaxWar.toFile())) {
            for (String name : List.of("login.jsp", "static/holdfast.css", "static/login.js")) {
                ZipEntry entry = war.getEntry(name);
                Files.createDirectories(app.resolve(name).getParent());
                try (InputStream in = war.getInputStream(entry)) {
                    Files.copy(in, app.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // Step 4: the doc's web.xml block, the same for Tomcat 9 and 10.1.
        Path webXml = app.resolve("WEB-INF/web.xml");
        Files.writeString(webXml, Files.readString(webXml).replace("</web-app>",
                ProtectedLegacyAppIT.webXmlBlockOfTheDoc() + "\n</web-app>"));
        return driver;
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
        HttpResponse<String> response = send(get("/orders.jsp").header("Accept", "text/html"));

        assertEquals(302, response.statusCode());
        String location = response.headers().firstValue("Location").orElse("");
        assertTrue(location.endsWith("/orders/login.jsp?next=%2Forders.jsp"), location);
        assertEquals(200, send(get("/login.jsp?next=%2Forders.jsp")).statusCode());
    }

    @Test
    void theLegacyPagesSeeTheSignedInUserAndRolesThroughTheServletApi() throws Exception {
        String token = tokenFor("alice", "alice-password");

        HttpResponse<String> whoami = send(get("/whoami.jsp").header("Authorization", "Bearer " + token));

        assertEquals(200, whoami.statusCode());
        assertEquals("user=alice\nprincipal=alice\nauthType=BEARER\nuser-role=true\nadmin-role=true",
                whoami.body().strip());
    }

    @Test
    void refusesTheAdminPageToAUserWithoutTheRoleAndAWrongPasswordWith401() throws Exception {
        String bob = tokenFor("bob", "bob-password");

        assertEquals(403, send(get("/manage.jsp").header("Authorization", "Bearer " + bob)).statusCode());
        assertEquals(401, send(login("bob", "not-bobs-password")).statusCode());
    }

    @Test
    void aBrowserFormLoginLandsOnNextWithTheCookieAndTheLegacyPageKnowsTheUser() throws Exception {
        HttpResponse<String> login = send(HttpRequest.newBuilder(tomcat.uri("/orders/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=" + encode("bob-password")
                        + "&next=" + encode("/orders.jsp"))));

        assertEquals(303, login.statusCode());
        String cookie = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("holdfast_token=")).findFirst().orElseThrow();
        HttpResponse<String> orders = send(get("/orders.jsp").header("Accept", "text/html")
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))));
        assertEquals(200, orders.statusCode());
        assertTrue(orders.body().contains("Refunds need the admin role."), orders.body());
    }

    /** The doc's block declares /auth/metrics: the relocated Micrometer of the javax lib serves it in Tomcat 9. */
    @Test
    void theMetricsServletOfTheDocsBlockCountsLogins() throws Exception {
        assertEquals(401, send(login("bob", "not-bobs-password")).statusCode());
        HttpResponse<String> metrics = send(get("/auth/metrics"));
        assertEquals(200, metrics.statusCode(), metrics.body());
        String contentType = metrics.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(contentType.replace(" ", "").startsWith("text/plain;version=0.0.4"), contentType); // Tomcat drops the spaces
        assertTrue(PrometheusText.value(metrics.body(),
                "holdfast_logins_total{endpoint=\"login\",outcome=\"invalid_credentials\",tier=\"none\"}") >= 1, metrics.body());
    }

    @Test
    void aLoggedOutTokenIsRefused() throws Exception {
        String token = tokenFor("bob", "bob-password");

        HttpResponse<String> logout = send(HttpRequest.newBuilder(tomcat.uri("/orders/auth/logout"))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(204, logout.statusCode());
        assertEquals(401, send(get("/whoami.jsp").header("Authorization", "Bearer " + token)).statusCode());
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
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(tomcat.uri("/orders-jul/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=" + encode("bob-password"))).build(),
                HttpResponse.BodyHandlers.ofString());
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

    private static String tokenFor(String username, String password) throws Exception {
        HttpResponse<String> response = send(login(username, password));
        assertEquals(200, response.statusCode(), response.body());
        Matcher token = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        assertTrue(token.find(), response.body());
        return token.group(1);
    }

    private static HttpRequest.Builder login(String username, String password) {
        return HttpRequest.newBuilder(tomcat.uri("/orders/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(username) + "&password=" + encode(password)));
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(tomcat.uri("/orders" + path)).GET();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
