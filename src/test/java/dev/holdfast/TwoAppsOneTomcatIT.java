package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.AppClient;
import dev.holdfast.testing.EmbeddedTomcat;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.HoldfastMBeans;
import dev.holdfast.testing.PrometheusText;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

/**
 * Two copies of the built WAR under two context paths in one Tomcat 10.1, neither naming a spool directory:
 * both deploy (each gets its own default directory), both log in, and both spool their audit rows while the
 * database cannot be reached, then replay them once it is back. No password or token reaches a spool's bytes.
 */
class TwoAppsOneTomcatIT {
    private static final Pattern AUDIT_DEPTH = Pattern.compile("\"auditSpool\":\\{\"depth\":(\\d+)");

    private static long auditDepth(AppClient app) throws IOException, InterruptedException {
        HttpResponse<String> health = app.send(app.get("/auth/health"));
        Matcher depth = AUDIT_DEPTH.matcher(health.body());
        assertTrue(depth.find(), health.body());
        return Long.parseLong(depth.group(1));
    }

    private static StandardContext deploy(Tomcat tomcat, String path, Path war, Map<String, String> settings) {
        StandardContext context = (StandardContext) tomcat.addWebapp(path, war.toString());
        EmbeddedTomcat.configure(context, settings);
        return context;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void twoApplicationsWithDefaultSettingsDeployLogInAndSpoolEachInItsOwnDirectory() throws Exception {
        TestDatabase database = TestDatabase.shared();
        String url = database.createDatabaseWithSchema("two_apps");
        database.insertUser(url, "alice", new PasswordVerifier().hash("alice-password".toCharArray()), "user", true);
        Path base = Files.createTempDirectory("holdfast-two-apps");
        Path warA = Files.copy(Paths.get(System.getProperty("test.holdfast.war", "target/holdfast.war")),
                base.resolve("a.war"));
        Path warB = Files.copy(warA, base.resolve("b.war"));
        // Unique context paths: other builds on this machine use the same default root.
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> paths = List.of("/two-apps-a-" + suffix, "/two-apps-b-" + suffix);
        List<Path> applicationDirectories = new ArrayList<>();
        List<String> applicationNames = new ArrayList<>();
        Tomcat tomcat = EmbeddedTomcat.server(base);
        try (FaultProxy proxy = FaultProxy.inFrontOf(database)) {
            tomcat.enableNaming();
            List<Context> contexts = new ArrayList<>();
            List<String> secrets = List.of(TestSecrets.hmacSetting(), TestSecrets.hmacSetting());
            for (int i = 0; i < 2; i++) {
                // Only what has no default: a key and a database. No spool directories.
                contexts.add(deploy(tomcat, paths.get(i), i == 0 ? warA : warB, Map.of(
                        "holdfast.jwt.secret", secrets.get(i),
                        "holdfast.db.url", proxy.wrap(url),
                        // Generous: a cold first login on a loaded machine must not time out; the outage
                        // below refuses connections, which fails at once whatever the deadline.
                        "holdfast.db.maxWait", "PT10S",
                        "holdfast.db.queryTimeout", "PT20S",
                        // Each application's meters as MBeans too: named apart, gone with it.
                        "holdfast.metrics.jmx", "true")));
            }
            tomcat.start();
            for (Context context : contexts) {
                assertTrue(context.getState().isAvailable(), context.getPath() + " did not start");
                ApplicationDirectory directory = ApplicationDirectory.of(context.getPath(),
                        Optional.ofNullable(context.getServletContext().getVirtualServerName()), Optional.empty());
                applicationDirectories.add(directory.base());
                applicationNames.add(directory.name());
            }
            assertFalse(applicationDirectories.get(0).equals(applicationDirectories.get(1)));
            List<AppClient> apps = new ArrayList<>();
            for (String path : paths) {
                apps.add(new AppClient(inApp -> URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + path + inApp)));
            }

            List<String> tokens = new ArrayList<>();
            for (AppClient app : apps) {
                HttpResponse<String> response = app.jsonLogin("alice", "alice-password");
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().contains("\"tier\":\"database\""), response.body());
                tokens.add(AppClient.token(response));
            }

            // Each application counts its own logins, on /auth/metrics and under its own name in JMX.
            for (AppClient app : apps) {
                String metrics = app.send(app.get("/auth/metrics")).body();
                assertEquals(1.0, PrometheusText.value(metrics,
                        "holdfast_logins_total{endpoint=\"login\",outcome=\"success\",tier=\"database\"}"));
            }
            assertTrue(HoldfastMBeans.applications().containsAll(applicationNames), HoldfastMBeans.applications().toString());
            assertEquals(HoldfastMBeans.of(applicationNames.get(0)).size(), HoldfastMBeans.of(applicationNames.get(1)).size());

            // The database becomes unreachable: logins go on from the credential tier, audit rows wait in the spools.
            proxy.refuse();
            proxy.killAll();
            for (AppClient app : apps) {
                HttpResponse<String> response = app.jsonLogin("alice", "alice-password");
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().contains("\"tier\":\"cache\""), response.body());
                tokens.add(AppClient.token(response));
                assertEquals(401, app.jsonLogin("alice", "a-wrong-password").statusCode());
            }
            for (int i = 0; i < 2; i++) {
                assertTrue(auditDepth(apps.get(i)) >= 1, "app " + i + " spools while the database is away");
                Path audit = applicationDirectories.get(i).resolve("audit");
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(audit)));
                List<Path> segments = files(audit).stream()
                        .filter(p -> p.getFileName().toString().startsWith("segment-")).collect(Collectors.toList());
                assertFalse(segments.isEmpty(), "app " + i + " has its own audit segments in " + audit);
                // Passwords and tokens never reach the journal: the audit rows hold who, when, how, from where.
                for (Path file : files(applicationDirectories.get(i))) {
                    byte[] bytes = Files.readAllBytes(file);
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
                    for (String secret : List.of("alice-password", "a-wrong-password")) {
                        assertFalse(contains(bytes, secret.getBytes(StandardCharsets.UTF_8)), secret + " in " + file);
                    }
                    for (String token : tokens) {
                        assertFalse(contains(bytes, token.getBytes(StandardCharsets.US_ASCII)), "a token in " + file);
                        String signature = token.substring(token.lastIndexOf('.') + 1);
                        assertFalse(contains(bytes, signature.getBytes(StandardCharsets.US_ASCII)), "a signature in " + file);
                    }
                }
            }

            // The database is back: each application replays its own spool.
            proxy.pass();
            for (AppClient app : apps) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (auditDepth(app) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(0, auditDepth(app));
            }
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM holdfast_audit WHERE username = 'alice'")) {
                rs.next();
                assertEquals(6, rs.getLong(1), "2 logins before, 2 and 2 refusals during the outage");
            }
        } finally {
            tomcat.stop();
            tomcat.destroy();
            for (Path directory : applicationDirectories) {
                deleteRecursively(directory);
            }
            deleteRecursively(base);
        }
        for (String application : applicationNames) {
            assertEquals(java.util.Set.of(), HoldfastMBeans.of(application), application + "'s MBeans after undeploy");
        }
    }
}
