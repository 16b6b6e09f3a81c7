package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.holdfast.audit.AuditLog;
import dev.holdfast.config.Settings.CookieSecure;
import dev.holdfast.credential.CredentialQueryException;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.credential.SqlCredentialStore;
import dev.holdfast.login.LoginService;
import dev.holdfast.login.Throttle;
import dev.holdfast.login.Tier;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.token.Keys;
import dev.holdfast.token.TokenIssuer;
import jakarta.servlet.ServletInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP side of a login: refusals before the login service, and the answers it gives. */
class LoginEndpointTest {
    private static final String JSON = "application/json";
    private final MutableClock clock = new MutableClock();
    private final SqlCredentialStore database = mock(SqlCredentialStore.class);
    private final CredentialTier tier = new CredentialTier(Duration.ofHours(1), 10, Optional.empty(), new byte[32], clock);
    private final LoginEndpoint endpoint = new LoginEndpoint(
            new LoginService(database, tier, new PasswordVerifier(), new Throttle(5, 50, Duration.ofMinutes(5), clock),
                    mock(AuditLog.class), Tier.DATABASE, Tier.CACHE, Duration.ofSeconds(5), clock),
            new TokenIssuer(Keys.hmac(new byte[32]), "holdfast", Optional.empty(), clock), Duration.ofHours(1),
            new TokenCookies("holdfast_token", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE),
            "/login.jsp", "/", TrustedProxies.NONE);

    @AfterEach
    void closeTier() {
        tier.close();
    }

    private static ServletMocks.Request login(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new ServletMocks.Request("POST", "/auth/login").body(JSON, ServletMocks.body(bytes), bytes.length);
    }

    private ServletMocks.Response answer(ServletMocks.Request request) throws Exception {
        ServletMocks.Response response = new ServletMocks.Response();
        endpoint.handle(request.build(), response.mock);
        return response;
    }

    @Test
    void aBodyRefusedForItsDeclaredLengthIsReadBeforeTheAnswer() throws Exception {
        byte[] big = new byte[17 * 1024];
        Arrays.fill(big, (byte) 'x');
        ServletInputStream stream = ServletMocks.body(big);
        ServletMocks.Response response = answer(new ServletMocks.Request("POST", "/auth/login").body(JSON, stream, big.length));
        assertEquals(413, response.status);
        assertTrue(stream.isFinished(), "the client that is still sending must get to read the 413, not a reset");
        assertNull(response.header("Connection"), "the connection stays usable");
    }

    @Test
    void aBodyTooLargeToReadGetsConnectionClose() throws Exception {
        byte[] part = new byte[64 * 1024];
        ServletMocks.Response declared = answer(new ServletMocks.Request("POST", "/auth/login")
                .body(JSON, ServletMocks.body(part), 10_000_000));
        assertEquals(413, declared.status);
        assertEquals("close", declared.header("Connection"));
        byte[] chunked = new byte[(int) RequestBodies.MAX_DISCARD_BYTES * 2];
        ServletMocks.Response endless = answer(new ServletMocks.Request("POST", "/auth/login")
                .body(JSON, ServletMocks.body(chunked), -1));
        assertEquals(413, endless.status);
        assertEquals("close", endless.header("Connection"));
    }

    @Test
    void aCrossSiteLoginIsRefusedBeforeAnyPasswordIsChecked() throws Exception {
        ServletMocks.Response json = answer(login("{\"username\":\"alice\",\"password\":\"p\"}")
                .header("Origin", "http://evil.example"));
        assertEquals(403, json.status);
        assertEquals("{\"error\":\"access_denied\",\"error_description\":\"a login or logout from a browser must come"
                + " from this site\"}", json.body());
        ServletMocks.Response page = answer(login("{\"username\":\"alice\",\"password\":\"p\"}")
                .header("Sec-Fetch-Site", "cross-site").header("Accept", "text/html"));
        assertEquals(403, page.status);
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
        assertTrue(page.body().contains("came from another site"), page.body());
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
        verify(database, never()).find(anyString());
    }

    @Test
    void aLoginWithoutBrowserHeadersGoesAhead() throws Exception {
        when(database.find("alice")).thenReturn(Optional.empty());
        ServletMocks.Response response = answer(login("{\"username\":\"alice\",\"password\":\"p\"}"));
        assertEquals(401, response.status, "curl and scripts send no Origin: " + response.body());
        ServletMocks.Response same = answer(login("{\"username\":\"alice\",\"password\":\"p\"}")
                .header("Origin", "http://app.example").header("Sec-Fetch-Site", "same-origin"));
        assertEquals(401, same.status);
    }

    @Test
    void aCredentialQueryTheDatabaseRefusesIsHoldfastsOwn503() throws Exception {
        java.lang.reflect.Constructor<CredentialQueryException> constructor =
                CredentialQueryException.class.getDeclaredConstructor(String.class);
        constructor.setAccessible(true);
        when(database.find("alice")).thenThrow(constructor.newInstance("[holdfast.sql.user] failed on the database"));
        ServletMocks.Response response = answer(login("{\"username\":\"alice\",\"password\":\"p\"}"));
        assertEquals(503, response.status);
        assertEquals("{\"error\":\"server_error\",\"error_description\":\"logins cannot be checked right now;"
                + " an operator has been alerted\"}", response.body());
        ServletMocks.Response form = new ServletMocks.Response();
        byte[] bytes = "username=alice&password=p".getBytes(StandardCharsets.US_ASCII);
        endpoint.handle(new ServletMocks.Request("POST", "/auth/login").header("Accept", "text/html")
                .body("application/x-www-form-urlencoded", ServletMocks.body(bytes), bytes.length).build(), form.mock);
        assertEquals(303, form.status);
        assertEquals("/app/login.jsp?error=unavailable", form.header("Location"));
    }

    @Test
    void holdfastsAnswersCarryProtectiveHeaders() throws Exception {
        when(database.find("alice")).thenReturn(Optional.empty());
        ServletMocks.Response response = answer(login("{\"username\":\"alice\",\"password\":\"p\"}"));
        assertEquals("no-store", response.header("Cache-Control"));
        assertEquals("nosniff", response.header("X-Content-Type-Options"));
        assertEquals("no-referrer", response.header("Referrer-Policy"));
        assertTrue(response.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    }
}
