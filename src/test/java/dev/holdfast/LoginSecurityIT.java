package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.RawHttp;
import dev.holdfast.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The review's reproductions against the built WAR in Jetty 12 over real HTTP, each refused now: login and logout
 * CSRF, forwarded headers from anyone, a credential query the database refuses, missing protective headers.
 * 127.0.0.2 plays a reverse proxy named in {@code proxy.trusted}; the test's own connections (127.0.0.1) are
 * ordinary clients.
 */
class LoginSecurityIT {
    private static final String PROXY = "127.0.0.2";
    private static final String EVIL = "http://evil.example";

    private static final LoginHarness http = new LoginHarness();
    private static String url;
    private static EmbeddedJetty jetty;

    @BeforeAll
    static void deploy() {
        TestDatabase database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("loginsecurity");
        for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
            database.insertUser(url, user, LoginHarness.cheapHash(user + "-password"), "user", true);
        }
        jetty = LoginHarness.builder(url, "holdfast-loginsecurity")
                .contextParameter("holdfast.proxy.trusted", PROXY + "/32")
                .contextParameter("holdfast.emergency.enabled", "true")
                .contextParameter("holdfast.login.maxFailures", "3")
                .start();
        http.use(jetty);
    }

    @AfterAll
    static void undeploy() {
        if (jetty != null) {
            jetty.close();
        }
    }

    private String origin() {
        return "http://127.0.0.1:" + jetty.port();
    }

    private static byte[] jsonLogin(String username, String password, String... headers) {
        return RawHttp.request("POST", "/auth/login", "application/json", ("{\"username\":\"" + username
                + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void aCrossSiteFormLoginDoesNotSignTheBrowserIn() {
        String form = "username=alice&password=alice-password";
        Answer foreign = http.post("/auth/login", LoginHarness.FORM, form, "Accept", "text/html", "Origin", EVIL,
                "Sec-Fetch-Site", "cross-site");
        assertEquals(403, foreign.status(), foreign.toString());
        assertNull(foreign.header("Set-Cookie"), "no login cookie for a foreign form");
        assertTrue(foreign.body().contains("came from another site"), foreign.body());
        Answer json = http.post("/auth/login", LoginHarness.JSON, "{\"username\":\"alice\",\"password\":\"alice-password\"}",
                "Origin", "null");
        assertEquals(403, json.status(), json.toString());
        assertTrue(json.body().startsWith("{\"error\":\"access_denied\""), json.body());

        Answer own = http.post("/auth/login", LoginHarness.FORM, form, "Accept", "text/html", "Origin", origin(),
                "Sec-Fetch-Site", "same-origin");
        assertEquals(303, own.status(), own.toString());
        assertTrue(own.header("Set-Cookie").startsWith("holdfast_token="), own.toString());
        assertEquals(200, http.jsonLogin("alice", "alice-password").status(), "curl sends no Origin: still works");
    }

    @Test
    void aCrossSiteLogoutIsRefusedWithOrWithoutTheCookie() {
        Answer foreign = http.post("/auth/logout", LoginHarness.FORM, "", "Accept", "text/html", "Origin", EVIL);
        assertEquals(403, foreign.status(), "a SameSite=Lax cookie never arrives cross-site; refused anyway: " + foreign);
        assertNull(foreign.header("Set-Cookie"), "the cookie is not cleared");
        String token = http.jsonLogin("bob", "bob-password").token();
        Answer withCookie = http.post("/auth/logout", LoginHarness.FORM, "", "Cookie", "holdfast_token=" + token,
                "Sec-Fetch-Site", "cross-site");
        assertEquals(403, withCookie.status(), withCookie.toString());
        assertEquals(200, http.get("/app/", "Authorization", "Bearer " + token).status(), "still signed in");
        Answer own = http.post("/auth/logout", LoginHarness.FORM, "", "Cookie", "holdfast_token=" + token,
                "Origin", origin());
        assertEquals(204, own.status(), own.toString());
    }

    @Test
    void aCrossSiteEmergencyLoginIsRefused() {
        Answer foreign = http.post("/auth/emergency-login", LoginHarness.JSON,
                "{\"username\":\"alice\",\"password\":\"alice-password\"}", "Origin", EVIL);
        assertEquals(403, foreign.status(), foreign.toString());
        assertEquals(200, http.login("/auth/emergency-login", "alice", "alice-password").status());
    }

    @Test
    void forwardedHeadersCountOnlyFromTheTrustedProxy() throws IOException {
        // The review's reproduction: a cookie POST from evil.example naming evil.example as the forwarded host.
        String token = http.jsonLogin("carol", "carol-password").token();
        Answer spoofed = http.post("/app/save.jsp", LoginHarness.FORM, "body=x", "Cookie", "holdfast_token=" + token,
                "Origin", EVIL, "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "http");
        assertEquals(403, spoofed.status(), spoofed.toString());
        // Health and emergency login: a client's own X-Forwarded-For neither opens nor closes them ...
        assertEquals(200, http.get("/auth/health", "X-Forwarded-For", "203.0.113.9").status());
        // ... but the trusted proxy's does, both ways.
        byte[] health = "GET /auth/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(404, RawHttp.exchange(PROXY, jetty.port(), health, 1).get(0).status(), "a remote client behind the proxy");
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            int hidden = RawHttp.exchange(PROXY, jetty.port(), RawHttp.request(method, "/auth/health", "application/json",
                    new byte[0], "X-Forwarded-For: 203.0.113.9", "Connection: close"), 1).get(0).status();
            int missing = RawHttp.exchange(PROXY, jetty.port(), RawHttp.request(method, "/auth/no-such-endpoint",
                    "application/json", new byte[0], "X-Forwarded-For: 203.0.113.9", "Connection: close"), 1).get(0).status();
            assertEquals(missing, hidden, method + " from outside answers like a path that does not exist");
        }
        byte[] local = "GET /auth/health HTTP/1.1\r\nHost: 127.0.0.1\r\nForwarded: for=127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(200, RawHttp.exchange(PROXY, jetty.port(), local, 1).get(0).status());
        byte[] emergency = "{\"username\":\"alice\",\"password\":\"alice-password\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(RawHttp.exchange(PROXY, jetty.port(), RawHttp.request("POST", "/auth/no-such-endpoint",
                "application/json", emergency, "X-Forwarded-For: 203.0.113.9", "Connection: close"), 1).get(0).status(),
                RawHttp.exchange(PROXY, jetty.port(), RawHttp.request("POST", "/auth/emergency-login",
                "application/json", emergency, "X-Forwarded-For: 203.0.113.9", "Connection: close"), 1).get(0).status());
        assertEquals(200, RawHttp.exchange(PROXY, jetty.port(), RawHttp.request("POST", "/auth/emergency-login",
                "application/json", emergency, "X-Forwarded-For: 127.0.0.1", "Connection: close"), 1).get(0).status());
    }

    @Test
    void behindTheTrustedProxyEachClientHasItsOwnLockout() throws IOException {
        for (int i = 0; i < 3; i++) {
            assertEquals(401, RawHttp.exchange(PROXY, jetty.port(), jsonLogin("dave", "guess-" + i,
                    "X-Forwarded-For: 198.51.100.1", "Connection: close"), 1).get(0).status());
        }
        assertEquals(429, RawHttp.exchange(PROXY, jetty.port(), jsonLogin("dave", "dave-password",
                "X-Forwarded-For: 198.51.100.1", "Connection: close"), 1).get(0).status());
        assertEquals(200, RawHttp.exchange(PROXY, jetty.port(), jsonLogin("dave", "dave-password",
                "X-Forwarded-For: 198.51.100.2", "Connection: close"), 1).get(0).status(),
                "another client behind the same proxy is not locked out");
        assertEquals(200, http.jsonLogin("dave", "dave-password").status(), "nor is a direct client");
    }

    @Test
    void theLoginPageAndHoldfastsAnswersCarryProtectiveHeaders() {
        Answer page = http.get("/login.jsp");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Security-Policy").contains("frame-ancestors 'none'"), page.headers().toString());
        assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"), page.headers().toString());
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
        assertEquals("same-origin", page.header("Referrer-Policy"));
        assertEquals("no-store", page.header("Cache-Control"));
        Answer token = http.jsonLogin("erin", "erin-password");
        assertEquals("no-store", token.header("Cache-Control"));
        assertEquals("nosniff", token.header("X-Content-Type-Options"));
        assertTrue(token.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
        Answer app = http.get("/app/", "Authorization", "Bearer " + token.token());
        assertEquals(200, app.status());
        assertEquals("no-store", app.header("Cache-Control"), "an authenticated page of the WAR");
        assertTrue(app.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    }

    @Test
    void aCredentialQueryTheDatabaseRefusesIsHoldfastsOwnAuditedAnswer() {
        TestDatabase database = TestDatabase.shared();
        int before = LoginHarness.count(url, "SELECT count(*) FROM holdfast_audit WHERE outcome = 'query_failed'");
        database.execute(url, "ALTER TABLE users RENAME TO users_mid_migration");
        try {
            Answer json = http.jsonLogin("alice", "alice-password");
            assertEquals(503, json.status(), json.toString());
            assertEquals("{\"error\":\"server_error\",\"error_description\":\"logins cannot be checked right now;"
                    + " an operator has been alerted\"}", json.body());
            Answer form = http.post("/auth/login", LoginHarness.FORM, "username=alice&password=alice-password",
                    "Accept", "text/html");
            assertEquals(303, form.status(), form.toString());
            assertEquals("/login.jsp?error=unavailable", form.header("Location"));
        } finally {
            database.execute(url, "ALTER TABLE users_mid_migration RENAME TO users");
        }
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(15), () -> LoginHarness.count(url,
                "SELECT count(*) FROM holdfast_audit WHERE outcome = 'query_failed'") >= before + 2), "both audited");
        assertFalse(LoginHarness.count(url, "SELECT count(*) FROM users") == 0);
    }
}
