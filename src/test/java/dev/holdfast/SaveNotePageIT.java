package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's save page: a note typed during an outage is "saved, will be synced", then lands once. */
class SaveNotePageIT {
    private static String url;
    private static FaultProxy proxy;
    private static EmbeddedJetty jetty;
    private static String cookie;
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void deploy() throws Exception {
        TestDatabase database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("savenote");
        database.execute(url, Files.readString(Paths.get("src/main/resources/db/demo.sql")));
        database.insertUser(url, "carol", new PasswordVerifier().hash("carol-password".toCharArray()), "user", true);
        proxy = FaultProxy.inFrontOf(database);
        jetty = LoginHarness.builder(proxy.wrap(url), "holdfast-savenote")
                .contextParameter("holdfast.db.maxWait", "PT0.5S")
                .contextParameter("holdfast.db.queryTimeout", "PT1S")
                .start();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(jetty.uri("/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=carol&password=carol-password")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, login.statusCode());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = setCookie.substring(0, setCookie.indexOf(';'));
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

    private static HttpResponse<String> save(String note) throws Exception {
        String origin = "http://127.0.0.1:" + jetty.port();
        return http.send(HttpRequest.newBuilder(jetty.uri("/app/save.jsp")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie).header("Origin", origin).header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString("body=" + URLEncoder.encode(note, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> notes() throws Exception {
        List<String> bodies = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT body FROM demo_notes WHERE username = 'carol' ORDER BY created_at")) {
            while (r.next()) {
                bodies.add(r.getString(1));
            }
        }
        return bodies;
    }

    @Test
    void noteSavedDuringOutageIsSyncedOnceWhenTheDatabaseIsBack() throws Exception {
        HttpResponse<String> applied = save("before the outage");
        assertEquals(200, applied.statusCode(), applied.body());
        assertTrue(applied.body().contains("Saved."), applied.body());

        proxy.blackhole();
        try {
            HttpResponse<String> spooled = save("during the outage, with <tags> & 'quotes'");
            assertEquals(200, spooled.statusCode());
            assertTrue(spooled.body().contains("it will be synced to the database when it is back"), spooled.body());
        } finally {
            proxy.pass();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (notes().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of("before the outage", "during the outage, with <tags> & 'quotes'"), notes());
    }

    @Test
    void crossSitePostWithTheCookieIsRefused() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(jetty.uri("/app/save.jsp"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie).header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("body=csrf")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, response.statusCode());
        assertTrue(notes().stream().noneMatch("csrf"::equals));
    }
}
