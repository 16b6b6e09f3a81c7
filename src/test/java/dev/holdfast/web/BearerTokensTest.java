package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.holdfast.config.Settings.CookieSecure;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

    final BearerTokens tokens = new BearerTokens(new TokenCookies("holdfast_token", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE));

    BearerTokens.Extraction extract(ServletMocks.Request request) {
        return tokens.extract(request.build());
    }

    @Test
    void readsTheBearerHeaderWithAnySchemeCase() {
        for (String scheme : new String[] {"Bearer", "bearer", "BEARER"}) {
            BearerTokens.Extraction x = extract(new ServletMocks.Request("GET", "/x").header("Authorization", scheme + " a.b.c"));
            assertEquals(BearerTokens.Outcome.FOUND, x.outcome());
            assertEquals("a.b.c", x.token());
            assertEquals(Optional.of(BearerTokens.Transport.HEADER), x.transport());
        }
    }

    @Test
    void prefersTheHeaderOverTheCookie() {
        BearerTokens.Extraction x = extract(new ServletMocks.Request("GET", "/x")
                .header("Authorization", "Bearer header.token.x").cookie("holdfast_token", "cookie.token.x"));
        assertEquals("header.token.x", x.token());
    }

    @Test
    void fallsBackToTheCookie() {
        BearerTokens.Extraction x = extract(new ServletMocks.Request("GET", "/x").cookie("other", "1").cookie("holdfast_token", "c.o.k"));
        assertEquals("c.o.k", x.token());
        assertEquals(Optional.of(BearerTokens.Transport.COOKIE), x.transport());
        assertEquals("COOKIE", x.transport().orElseThrow().authType());
    }

    @Test
    void ignoresOtherAuthorizationSchemes() {
        BearerTokens.Extraction x = extract(new ServletMocks.Request("GET", "/x").header("Authorization", "Basic YTpi")
                .cookie("holdfast_token", "c.o.k"));
        assertEquals(BearerTokens.Outcome.FOUND, x.outcome());
        assertEquals("c.o.k", x.token());
    }

    @Test
    void refusesSeveralAuthorizationHeaders() {
        BearerTokens.Extraction x = extract(new ServletMocks.Request("GET", "/x")
                .header("Authorization", "Bearer a.b.c").header("Authorization", "Bearer d.e.f"));
        assertEquals(BearerTokens.Outcome.MALFORMED, x.outcome());
    }

    @Test
    void refusesMalformedBearerValues() {
        for (String value : new String[] {"Bearer", "Bearer ", "Bearer a.b.c d.e.f", "Bearer a\"b", "Bearer a,b", " Bearer a", ""}) {
            BearerTokens.Extraction x = extract(new ServletMocks.Request("GET", "/x").header("Authorization", value)
                    .cookie("holdfast_token", "c.o.k"));
            assertEquals(BearerTokens.Outcome.MALFORMED, x.outcome(), "[" + value + "]");
        }
    }

    @Test
    void noTokenAtAll() {
        BearerTokens.Extraction x = extract(new ServletMocks.Request("GET", "/x").cookie("holdfast_token", ""));
        assertEquals(BearerTokens.Outcome.NONE, x.outcome());
        IllegalStateException e = assertThrows(IllegalStateException.class, x::token);
        assertEquals("no token: NONE", e.getMessage());
    }

    @Test
    void toStringNeverShowsTheToken() {
        BearerTokens.Extraction x = extract(new ServletMocks.Request("GET", "/x").header("Authorization", "Bearer secret.token.value"));
        assertFalse(x.toString().contains("secret"));
    }
}
