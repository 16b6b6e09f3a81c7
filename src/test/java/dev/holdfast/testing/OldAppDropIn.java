package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Holdfast dropped into an old application that ships its own SLF4J 1.7, logback 1.2 and Jackson 2.12 in
 * WEB-INF/lib, in a real Tomcat run from its distribution: the app adds {@code holdfast-core.jar} and the
 * PostgreSQL driver of the edition for that Tomcat (not its {@code slf4j-api}: the app has one) and the doc's
 * web.xml block. {@link DropInOldAppTomcat9IT} uses the javax edition, {@link DropInOldAppTomcat10IT} the jakarta one. Before
 * the relocated jar, this app's logins answered 500 ({@code NoSuchMethodError} from Holdfast running against
 * the app's older Jackson) and SLF4J warned about its bindings. Now: no SLF4J warning at all, Holdfast's lines
 * (start-up and the {@code holdfast.audit} line of each login) go through the app's own logback configuration
 * into the app's own file, the app's pages still use Jackson 2.12, and logins answer 200 and 401.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OldAppDropIn {

    private static final Path OLD_APP = Paths.get("src/test/old-app");
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path app;
    private Path spools;
    private TomcatProcess tomcat;

    /** Holdfast's lib for this container. */
    abstract Path holdfastLib();

    abstract Path tomcatHome();

    /** The app's web.xml as this container's applications have it. */
    abstract String webXml(String servlet4WebXml);

    @BeforeAll
    void dropInAndDeploy() throws Exception {
        TestDatabase database = TestDatabase.shared();
        String jdbcUrl = database.createDatabaseWithSchema("old_app");
        database.insertUser(jdbcUrl, "alice", new PasswordVerifier().hash("alice-password".toCharArray()), "user", true);

        app = Files.createTempDirectory("holdfast-old-app");
        spools = Files.createTempDirectory("holdfast-old-app-spools");
        LegacyAppScenario.copyTree(OLD_APP, app);
        Path lib = Files.createDirectories(app.resolve("WEB-INF/lib"));
        // The app as it was: its own SLF4J 1.7, logback 1.2, Jackson 2.12.
        Path oldLibraries = Paths.get(System.getProperty("test.old-app.lib", "target/it/old-app-lib"));
        try (Stream<Path> jars = Files.list(oldLibraries)) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        // Holdfast dropped in: its jar and the driver; the app keeps its own slf4j-api.
        try (Stream<Path> jars = Files.list(holdfastLib())) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> !p.getFileName().toString().startsWith("slf4j-api"))::iterator) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        Path webXml = app.resolve("WEB-INF/web.xml");
        Files.writeString(webXml, webXml(Files.readString(webXml)).replace("</web-app>",
                LegacyAppScenario.webXmlBlockOfTheDoc() + "\n</web-app>"));

        tomcat = TomcatProcess.builder(tomcatHome())
                .context(TomcatProcess.context("/ledger", app)
                        .parameter("holdfast.db.url", jdbcUrl)
                        .parameter("holdfast.jwt.secret", TestSecrets.hmacSetting())
                        .parameter("holdfast.audit.spool", spools.resolve("audit").toString())
                        .parameter("holdfast.writes.spool", spools.resolve("writes").toString()))
                .start();
    }

    @AfterAll
    void undeploy() throws IOException {
        if (tomcat != null) {
            tomcat.close();
        }
        for (Path dir : new Path[] {app, spools}) {
            if (dir != null) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void startsWithoutAnySlf4jWarning() {
        String log = tomcat.log();

        assertFalse(log.contains("SLF4J"), log);
        assertFalse(log.contains("SEVERE"), log);
    }

    @Test
    void loginsAnswer200And401NotAServerError() throws Exception {
        HttpResponse<String> good = login("alice", "alice-password");
        HttpResponse<String> bad = login("alice", "not-alices-password");

        assertEquals(200, good.statusCode(), good.body());
        assertEquals(401, bad.statusCode(), bad.body());
        assertFalse(tomcat.log().contains("NoSuchMethodError"), tomcat.log());
    }

    @Test
    void theAppsOwnJacksonAndLoggingStillWorkBehindHoldfast() throws Exception {
        String token = token(login("alice", "alice-password"));

        HttpResponse<String> ledger = http.send(HttpRequest.newBuilder(tomcat.uri("/ledger/ledger.jsp"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, ledger.statusCode(), ledger.body());
        assertTrue(ledger.body().startsWith("{\"user\":\"alice\",\"databind\":\"2.12.7"), ledger.body());
        assertTrue(ledger.body().contains("\"core\":\"2.12.7\""), ledger.body());
        assertTrue(eventuallyLogged("LEDGER INFO [acme.ledger] ledger shown to alice"), appLog());
    }

    @Test
    void holdfastLogsThroughTheAppsOwnLogbackConfiguration() throws Exception {
        assertEquals(200, login("alice", "alice-password").statusCode());

        assertTrue(eventuallyLogged("LEDGER INFO [holdfast.audit]"), appLog());
        assertTrue(appLog().contains("LEDGER INFO [dev.holdfast."), appLog());
        assertFalse(tomcat.log().contains("[holdfast.audit]"), "Holdfast's lines go to the app's file only");
    }

    private boolean eventuallyLogged(String line) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!appLog().contains(line)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The file the app's logback.xml writes: {@code ${catalina.base}/logs/ledger.log}. */
    private String appLog() {
        Matcher base = Pattern.compile("CATALINA_BASE:\\s+(\\S+)").matcher(tomcat.log());
        assertTrue(base.find(), tomcat.log());
        Path file = Paths.get(base.group(1), "logs", "ledger.log");
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> login(String username, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(tomcat.uri("/ledger/auth/login"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String token(HttpResponse<String> response) {
        Matcher matcher = TOKEN.matcher(response.body());
        assertTrue(matcher.find(), response.body());
        return matcher.group(1);
    }
}
