package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.holdfast.token.Forge;
import dev.holdfast.token.IssuedToken;
import dev.holdfast.token.Keys;
import dev.holdfast.token.TokenIssuer;
import dev.holdfast.web.ServletMocks;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class JwtAuthFilterTest {

    static final String HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

    static String token(List<String> roles) {
        return new TokenIssuer(Keys.hmac(Forge.SECRET), "holdfast", Optional.empty(), FilterFixture.CLOCK)
                .issue("alice", Optional.of("42"), roles, "database", Duration.ofMinutes(10)).compact();
    }

    static FilterFixture fixture() throws Exception {
        return new FilterFixture().sharedHmacVerifier().init();
    }

    @Test
    void validBearerTokenReachesTheAppAsTheUser() throws Exception {
        FilterFixture f = fixture();
        ServletMocks.Response r = f.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer " + token(List.of("user"))));
        assertEquals(200, r.status);
        HttpServletRequest seen = (HttpServletRequest) f.passed.get();
        assertEquals("alice", seen.getRemoteUser());
        assertEquals("alice", seen.getUserPrincipal().getName());
        assertTrue(seen.isUserInRole("user"));
        assertFalse(seen.isUserInRole("admin"));
        assertEquals("BEARER", seen.getAuthType());
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = (Map<String, Object>) seen.getAttribute("holdfast.claims");
        assertEquals("42", claims.get("uid"));
        assertEquals("database", claims.get("tier"));
    }

    @Test
    void validCookieTokenReachesTheAppWithAuthTypeCookie() throws Exception {
        FilterFixture f = fixture();
        f.run(new ServletMocks.Request("GET", "/orders").cookie("holdfast_token", token(List.of())));
        assertEquals("COOKIE", ((HttpServletRequest) f.passed.get()).getAuthType());
    }

    @Test
    void browserWithoutTokenIsRedirectedToTheLoginPageWithNext() throws Exception {
        ServletMocks.Response r = fixture().run(new ServletMocks.Request("GET", "/orders?id=7").header("Accept", HTML));
        assertEquals(302, r.status);
        assertEquals("/app/login.jsp?next=%2Forders%3Fid%3D7", r.header("Location"));
    }

    @Test
    void browserWithAnExpiredCookieIsRedirectedToo() throws Exception {
        String expired = Forge.hs(Forge.claims("\"exp\":" + (Forge.T - 100)));
        ServletMocks.Response r = fixture().run(new ServletMocks.Request("GET", "/orders").header("Accept", HTML)
                .cookie("holdfast_token", expired));
        assertEquals(302, r.status);
    }

    @Test
    void apiClientWithoutTokenGets401() throws Exception {
        ServletMocks.Response r = fixture().run(new ServletMocks.Request("GET", "/orders").header("Accept", "application/json"));
        assertEquals(401, r.status);
        assertEquals("Bearer", r.header("WWW-Authenticate"));
    }

    @Test
    void onFailure401NeverRedirects() throws Exception {
        FilterFixture f = new FilterFixture().sharedHmacVerifier();
        f.initParams.put("onFailure", "401");
        ServletMocks.Response r = f.init().run(new ServletMocks.Request("GET", "/orders").header("Accept", HTML));
        assertEquals(401, r.status);
    }

    @Test
    void onFailureRedirectRedirectsApiClients() throws Exception {
        FilterFixture f = new FilterFixture().sharedHmacVerifier();
        f.initParams.put("onFailure", "redirect");
        ServletMocks.Response r = f.init().run(new ServletMocks.Request("GET", "/orders").header("Accept", "application/json"));
        assertEquals(302, r.status);
    }

    @Test
    void malformedAuthorizationHeaderIs401NotACookieFallback() throws Exception {
        FilterFixture f = fixture();
        ServletMocks.Response r = f.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer a b")
                .cookie("holdfast_token", token(List.of())));
        assertEquals(401, r.status);
        assertNull(f.passed.get());
    }

    @Test
    void defaultExcludesPassTheLoginPageAuthAndWellKnownUntouched() throws Exception {
        FilterFixture f = fixture();
        for (String path : List.of("/login.jsp", "/auth/login", "/.well-known/jwks.json")) {
            ServletMocks.Response r = f.run(new ServletMocks.Request("GET", path));
            assertEquals(200, r.status, path);
            assertNotNull(f.passed.get(), path);
            assertFalse(f.passed.get() instanceof dev.holdfast.web.AuthenticatedRequest, path);
        }
    }

    @Test
    void configuredExcludesReplaceTheDefaultsButKeepTheLoginPage() throws Exception {
        FilterFixture f = new FilterFixture().sharedHmacVerifier();
        f.initParams.put("exclude", "/public/*,*.css");
        f.init();
        assertEquals(200, f.run(new ServletMocks.Request("GET", "/public/a.png")).status);
        assertEquals(200, f.run(new ServletMocks.Request("GET", "/x/site.css")).status);
        assertEquals(200, f.run(new ServletMocks.Request("GET", "/login.jsp")).status);
        assertEquals(401, f.run(new ServletMocks.Request("GET", "/auth/login")).status);
    }

    @Test
    void badExcludePatternStopsTheFilter() {
        FilterFixture f = new FilterFixture().sharedHmacVerifier();
        f.initParams.put("exclude", "public/*");
        ServletException e = assertThrows(ServletException.class, f::init);
        assertEquals("holdfast: [exclude] of filter [holdfast]: pattern [public/*] is not /exact, /prefix/* or *.extension", e.getMessage());
    }

    @Test
    void requireRolesRefusesATokenWithoutAnyOfThemWith403() throws Exception {
        FilterFixture f = new FilterFixture().sharedHmacVerifier();
        f.initParams.put("requireRoles", "admin,ops");
        f.init();
        ServletMocks.Response r = f.run(new ServletMocks.Request("GET", "/admin").header("Authorization", "Bearer " + token(List.of("user"))));
        assertEquals(403, r.status);
        assertNull(f.passed.get());
        f.run(new ServletMocks.Request("GET", "/admin").header("Authorization", "Bearer " + token(List.of("user", "ops"))));
        assertNotNull(f.passed.get());
    }

    @Test
    void cookieAuthenticatedPostFromAnotherSiteIs403() throws Exception {
        FilterFixture f = fixture();
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            ServletMocks.Response r = f.run(new ServletMocks.Request(method, "/orders").cookie("holdfast_token", token(List.of()))
                    .header("Origin", "http://evil.example"));
            assertEquals(403, r.status, method);
            assertNull(f.passed.get(), method);
        }
        assertEquals(403, f.run(new ServletMocks.Request("POST", "/orders").cookie("holdfast_token", token(List.of()))).status);
    }

    @Test
    void cookieAuthenticatedPostFromThisSitePasses() throws Exception {
        FilterFixture f = fixture();
        f.run(new ServletMocks.Request("POST", "/orders").cookie("holdfast_token", token(List.of())).header("Origin", "http://app.example"));
        assertNotNull(f.passed.get());
        f.run(new ServletMocks.Request("POST", "/orders").cookie("holdfast_token", token(List.of())).header("Referer", "http://app.example/app/form"));
        assertNotNull(f.passed.get());
        f.run(new ServletMocks.Request("POST", "/orders").cookie("holdfast_token", token(List.of())).header("Sec-Fetch-Site", "same-origin"));
        assertNotNull(f.passed.get());
    }

    @Test
    void bearerAuthenticatedPostNeedsNoOrigin() throws Exception {
        FilterFixture f = fixture();
        f.run(new ServletMocks.Request("POST", "/orders").header("Authorization", "Bearer " + token(List.of())));
        assertNotNull(f.passed.get());
    }

    @Test
    void putsRequestIdAndUserInTheMdcAndRemovesThem() throws Exception {
        FilterFixture f = fixture();
        AtomicReference<String> requestId = new AtomicReference<>();
        AtomicReference<String> user = new AtomicReference<>();
        ServletMocks.Response response = new ServletMocks.Response();
        f.filter.doFilter(new ServletMocks.Request("GET", "/orders").header("X-Request-Id", "abc-123")
                .header("Authorization", "Bearer " + token(List.of())).build(), response.mock, (req, res) -> {
                    requestId.set(MDC.get("requestId"));
                    user.set(MDC.get("user"));
                });
        assertEquals("abc-123", requestId.get());
        assertEquals("alice", user.get());
        assertNull(MDC.get("requestId"));
        assertNull(MDC.get("user"));
    }

    @Test
    void mdcIsRemovedEvenWhenTheAppThrows() throws Exception {
        FilterFixture f = fixture();
        assertThrows(IllegalStateException.class, () -> f.filter.doFilter(new ServletMocks.Request("GET", "/orders")
                .header("Authorization", "Bearer " + token(List.of())).build(), new ServletMocks.Response().mock,
                (req, res) -> {
                    throw new IllegalStateException("app failed");
                }));
        assertNull(MDC.get("requestId"));
        assertNull(MDC.get("user"));
    }

    @Test
    void unsafeRequestIdIsReplaced() {
        String id = JwtAuthFilter.requestId(new ServletMocks.Request("GET", "/").header("X-Request-Id", "a\nb=c").build());
        assertTrue(id.matches("[0-9a-f]{12}-[0-9a-f]{1,16}"), id);
        assertEquals("x".repeat(64), JwtAuthFilter.requestId(new ServletMocks.Request("GET", "/").header("X-Request-Id", "x".repeat(64)).build()));
        assertFalse(JwtAuthFilter.requestId(new ServletMocks.Request("GET", "/").header("X-Request-Id", "x".repeat(65)).build()).startsWith("xxx"));
    }

    @Test
    void generatedRequestIdsAreUniqueAndSafeToLog() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = JwtAuthFilter.requestId(new ServletMocks.Request("GET", "/").build());
            assertTrue(id.matches("[0-9a-f]{12}-[0-9a-f]{1,16}"), id);
            ids.add(id);
        }
        assertEquals(10_000, ids.size());
    }

    @Test
    void neverLogsTheTokenEvenAtDebug() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
        try {
            FilterFixture f = fixture();
            String good = token(List.of());
            String bad = Forge.hs(Forge.claims("\"exp\":" + (Forge.T - 100)));
            f.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer " + good));
            f.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer " + bad));
            f.run(new ServletMocks.Request("GET", "/orders").cookie("holdfast_token", bad + "x"));
            assertFalse(appender.list.isEmpty());
            for (ILoggingEvent event : appender.list) {
                String line = event.getFormattedMessage() + event.getMDCPropertyMap();
                for (String token : List.of(good, bad)) {
                    for (String part : token.split("\\.")) {
                        assertFalse(line.contains(part), "logged a token part: " + line);
                    }
                }
            }
        } finally {
            root.detachAppender(appender);
            root.setLevel(before);
        }
    }

    @Test
    void buildsItsOwnVerifierFromJwtSecretWithoutTheListener() throws Exception {
        FilterFixture f = new FilterFixture().init();
        String now = new TokenIssuer(Keys.hmac(Forge.SECRET), "holdfast", Optional.empty(), Clock.systemUTC())
                .issue("bob", Optional.empty(), List.of(), "database", Duration.ofMinutes(5)).compact();
        f.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer " + now));
        assertEquals("bob", ((HttpServletRequest) f.passed.get()).getRemoteUser());
    }

    @Test
    void buildsItsOwnVerifierFromJwtKeys(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.json");
        Files.write(keys, Forge.privateSet(Forge.ec(), Forge.rsa()).getBytes(StandardCharsets.UTF_8));
        FilterFixture f = new FilterFixture();
        f.contextParams.remove("holdfast.jwt.secret");
        f.contextParams.put("holdfast.jwt.keys", keys.toString());
        f.init();
        IssuedToken issued = new TokenIssuer(Keys.fromJwkSet(Forge.privateSet(Forge.rsa())), "holdfast", Optional.empty(), Clock.systemUTC())
                .issue("carol", Optional.empty(), List.of(), "database", Duration.ofMinutes(5));
        f.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer " + issued.compact()));
        assertEquals("carol", ((HttpServletRequest) f.passed.get()).getRemoteUser());
    }

    @Test
    void unreadableOrInvalidJwtKeysStopTheFilterNamingTheSetting(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.json");
        Files.write(keys, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}".getBytes(StandardCharsets.UTF_8));
        FilterFixture f = new FilterFixture();
        f.contextParams.remove("holdfast.jwt.secret");
        f.contextParams.put("holdfast.jwt.keys", keys.toString());
        ServletException e = assertThrows(ServletException.class, f::init);
        assertEquals("holdfast: filter [holdfast] cannot start: holdfast: [holdfast.jwt.keys] = [" + keys
                + "] key #1 is a symmetric (oct) key; put an HMAC secret in jwt.secret, and only RSA, EC P-256 or Ed25519 private keys in jwt.keys",
                e.getMessage());
    }

    @Test
    void plainHttpJwksUrlOnAnotherHostStopsTheFilter() {
        FilterFixture f = new FilterFixture();
        f.contextParams.remove("holdfast.jwt.secret");
        f.contextParams.put("holdfast.jwt.jwksUrl", "http://auth.example/.well-known/jwks.json");
        ServletException e = assertThrows(ServletException.class, f::init);
        assertEquals("holdfast: filter [holdfast] cannot start: holdfast: [holdfast.jwt.jwksUrl] = [http://auth.example/.well-known/jwks.json]"
                + " jwksUrl [http://auth.example/.well-known/jwks.json] must be https (http only on localhost)", e.getMessage());
    }

    @Test
    void aTossedCookieSentFirstDoesNotShadowTheRealOne() throws Exception {
        FilterFixture f = fixture();
        String tossed = new TokenIssuer(Keys.hmac(new byte[32]), "holdfast", Optional.empty(), FilterFixture.CLOCK)
                .issue("mallory", Optional.empty(), List.of("user"), "database", Duration.ofMinutes(10)).compact();
        ServletMocks.Response r = f.run(new ServletMocks.Request("GET", "/orders")
                .cookie("holdfast_token", tossed).cookie("holdfast_token", token(List.of("user"))));
        assertEquals(200, r.status);
        assertEquals("alice", ((HttpServletRequest) f.passed.get()).getRemoteUser());
        ServletMocks.Response none = f.run(new ServletMocks.Request("GET", "/orders").header("Accept", "application/json")
                .cookie("holdfast_token", tossed).cookie("holdfast_token", "not.a.token"));
        assertEquals(401, none.status, "no candidate verifies: refused as before");
        assertNull(f.passed.get());
    }

    @Test
    void authenticatedResponsesAreNotStoredUnlessTheFilterIsToldOtherwise() throws Exception {
        FilterFixture f = fixture();
        ServletMocks.Response r = f.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer " + token(List.of("user"))));
        assertEquals("no-store", r.header("Cache-Control"));
        assertNull(r.header("Content-Security-Policy"), "the application's pages get no policy unless configured");

        FilterFixture configured = new FilterFixture().sharedHmacVerifier();
        configured.initParams.put("noStore", "false");
        configured.initParams.put("contentSecurityPolicy", "default-src 'self';\n    frame-ancestors 'none'");
        configured.init();
        ServletMocks.Response c = configured.run(new ServletMocks.Request("GET", "/orders")
                .header("Authorization", "Bearer " + token(List.of("user"))));
        assertNull(c.header("Cache-Control"));
        assertEquals("default-src 'self'; frame-ancestors 'none'", c.header("Content-Security-Policy"));
    }
}
