package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.Settings.CookieSecure;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenIssuer;
import dev.holdfast.token.TokenVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Logout: always possible for its own user, never for a foreign page. */
class LogoutEndpointTest {
    private final MutableClock clock = new MutableClock();
    private final Keys keys = Keys.hmac(new byte[32]);
    private final RevocationList revocations = new RevocationList(clock);
    private final TokenVerifier verifier = new TokenVerifier(keys, "holdfast", Optional.empty(), Duration.ofHours(1),
            Duration.ofSeconds(30), revocations, clock);
    private final LogoutEndpoint endpoint = new LogoutEndpoint(verifier, revocations,
            new TokenCookies("holdfast_token", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE),
            "/login.jsp", TrustedProxies.NONE);

    private String token() {
        return new TokenIssuer(keys, "holdfast", Optional.empty(), clock)
                .issue("alice", Optional.empty(), List.of("user"), "database", Duration.ofMinutes(10)).compact();
    }

    private ServletMocks.Response answer(ServletMocks.Request request) throws Exception {
        ServletMocks.Response response = new ServletMocks.Response();
        endpoint.handle(request.build(), response.mock);
        return response;
    }

    @Test
    void aForeignPageCannotLogAUserOutEvenWithoutTheCookie() throws Exception {
        ServletMocks.Response response = answer(new ServletMocks.Request("POST", "/auth/logout")
                .header("Origin", "http://evil.example").header("Accept", "text/html"));
        assertEquals(403, response.status);
        assertEquals(List.of(), response.headers("Set-Cookie"), "the cookie is not cleared");
    }

    @Test
    void withTheCookieTheRequestMustProveItComesFromThisSite() throws Exception {
        String token = token();
        ServletMocks.Response silent = answer(new ServletMocks.Request("POST", "/auth/logout").cookie("holdfast_token", token));
        assertEquals(403, silent.status);
        assertTrue(verifier.verify(token).token().isPresent(), "not revoked");
        ServletMocks.Response own = answer(new ServletMocks.Request("POST", "/auth/logout").cookie("holdfast_token", token)
                .header("Origin", "http://app.example"));
        assertEquals(204, own.status);
        assertTrue(verifier.verify(token).token().isEmpty(), "revoked");
    }

    @Test
    void aScriptWithTheBearerHeaderLogsOutWithoutBrowserHeaders() throws Exception {
        String token = token();
        ServletMocks.Response response = answer(new ServletMocks.Request("POST", "/auth/logout")
                .header("Authorization", "Bearer " + token));
        assertEquals(204, response.status);
        assertTrue(verifier.verify(token).token().isEmpty());
    }

    @Test
    void everyCookieOfTheNameThatVerifiesIsRevoked() throws Exception {
        String first = token();
        clock.advance(Duration.ofSeconds(1));
        String second = token();
        ServletMocks.Response response = answer(new ServletMocks.Request("POST", "/auth/logout")
                .cookie("holdfast_token", "tossed.by.sibling").cookie("holdfast_token", first)
                .cookie("holdfast_token", second).header("Sec-Fetch-Site", "same-origin"));
        assertEquals(204, response.status);
        assertTrue(verifier.verify(first).token().isEmpty());
        assertTrue(verifier.verify(second).token().isEmpty());
    }
}
