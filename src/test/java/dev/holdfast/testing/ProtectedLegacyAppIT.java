package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample legacy app made protected exactly as docs/deploying-on-tomcat.md says, and nothing more:
 * target/holdfast-lib/*.jar copied into WEB-INF/lib, login.jsp and its two static files copied from the WAR,
 * the doc's own web.xml block pasted into the app's web.xml, and context.xml settings (a JNDI DataSource and
 * {@code <Parameter>}s). Its JSPs are unchanged and learn the user through getRemoteUser()/isUserInRole().
 */
class ProtectedLegacyAppIT {

    private static final Path DOC = Path.of("docs/deploying-on-tomcat.md");
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path app;
    private static EmbeddedTomcat tomcat;

    @BeforeAll
    static void protectAndDeploy() throws Exception {
        TestDatabase database = TestDatabase.shared();
        String jdbcUrl = database.createDatabaseWithSchema("legacy_app");
        PasswordVerifier passwords = new PasswordVerifier();
        database.insertUser(jdbcUrl, "alice", passwords.hash("alice-password".toCharArray()), "user,admin", true);
        database.insertUser(jdbcUrl, "bob", passwords.hash("bob-password".toCharArray()), "user", true);
        String dbPassword = database.password() == null ? "" : database.password();

        app = Files.createTempDirectory("holdfast-legacy-app");
        copyTree(LegacyAppIT.LEGACY_APP, app);
        // Step 1: the jars.
        Path lib = Files.createDirectories(app.resolve("WEB-INF/lib"));
        try (Stream<Path> jars = Files.list(Path.of("target/holdfast-lib"))) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        // Step 2: the login page and its two static files, from the WAR.
        try (ZipFile war = new ZipFile(Wars.builtWar().toFile())) {
            for (String name : List.of("login.jsp", "static/holdfast.css", "static/login.js")) {
                ZipEntry entry = war.getEntry(name);
                Files.createDirectories(app.resolve(name).getParent());
                try (InputStream in = war.getInputStream(entry)) {
                    Files.copy(in, app.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // Step 4: the web.xml entries, taken from the doc itself so the doc cannot drift from what works.
        Path webXml = app.resolve("WEB-INF/web.xml");
        String original = Files.readString(webXml);
        Files.writeString(webXml, original.replace("</web-app>", webXmlBlockOfTheDoc() + "\n</web-app>"));

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
        HttpResponse<String> response = send(get("/orders.jsp").header("Accept", "text/html"));

        assertEquals(302, response.statusCode());
        String location = response.headers().firstValue("Location").orElse("");
        assertTrue(location.endsWith("/orders/login.jsp?next=%2Forders.jsp"), location);
    }

    @Test
    void answersAnApiClientWithoutATokenWith401AndABearerChallenge() throws Exception {
        HttpResponse<String> response = send(get("/orders.jsp"));

        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                response.headers().toString());
    }

    @Test
    void servesTheCopiedLoginPageAndItsScriptWithoutAToken() throws Exception {
        HttpResponse<String> page = send(get("/login.jsp?next=%2Forders.jsp"));
        HttpResponse<String> script = send(get("/static/login.js"));

        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("action=\"/orders/auth/login\""), page.body());
        assertTrue(page.body().contains("name=\"next\" value=\"/orders.jsp\""), page.body());
        assertEquals(200, script.statusCode());
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
    void refusesTheAdminPageToAUserWithoutTheRole() throws Exception {
        String bob = tokenFor("bob", "bob-password");
        String alice = tokenFor("alice", "alice-password");

        assertEquals(403, send(get("/manage.jsp").header("Authorization", "Bearer " + bob)).statusCode());
        HttpResponse<String> admin = send(get("/manage.jsp").header("Authorization", "Bearer " + alice));
        assertEquals(200, admin.statusCode());
        assertTrue(admin.body().contains("Manage users"), admin.body());
    }

    @Test
    void aBrowserFormLoginLandsOnNextWithTheCookieAndTheLegacyPageKnowsTheUser() throws Exception {
        HttpResponse<String> login = send(HttpRequest.newBuilder(tomcat.uri("/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=" + encode("bob-password")
                        + "&next=" + encode("/orders.jsp"))));

        assertEquals(303, login.statusCode());
        assertTrue(login.headers().firstValue("Location").orElse("").endsWith("/orders/orders.jsp"),
                login.headers().toString());
        String cookie = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("holdfast_token=")).findFirst().orElseThrow();
        HttpResponse<String> orders = send(get("/orders.jsp").header("Accept", "text/html")
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))));
        assertEquals(200, orders.statusCode());
        assertTrue(orders.body().contains("Refunds need the admin role."), orders.body());
    }

    @Test
    void aLoggedOutTokenIsRefused() throws Exception {
        String token = tokenFor("bob", "bob-password");

        HttpResponse<String> logout = send(HttpRequest.newBuilder(tomcat.uri("/auth/logout"))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(204, logout.statusCode());
        assertEquals(401, send(get("/whoami.jsp").header("Authorization", "Bearer " + token)).statusCode());
    }

    private static String tokenFor(String username, String password) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(tomcat.uri("/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(username) + "&password=" + encode(password))));
        assertEquals(200, response.statusCode(), response.body());
        Matcher token = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        assertTrue(token.find(), response.body());
        return token.group(1);
    }

    /** The one ```xml block of section 4 of the doc. */
    static String webXmlBlockOfTheDoc() throws IOException {
        String doc = Files.readString(DOC);
        int section = doc.indexOf("\n## 4.");
        int start = doc.indexOf("```xml\n", section) + "```xml\n".length();
        int end = doc.indexOf("```", start);
        assertTrue(section > 0 && start > section && end > start, "section 4 of " + DOC + " has an xml block");
        return doc.substring(start, end);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(tomcat.uri(path)).timeout(Duration.ofSeconds(10)).GET();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
