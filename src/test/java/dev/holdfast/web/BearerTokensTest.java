package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void theB64tokenCharactersAreExactlyThoseOfRfc6750() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            boolean rfc6750 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || "-._~+/".indexOf(c) >= 0;
            assertEquals(rfc6750, BearerTokens.isB64token("a" + (char) c + "b"), "U+" + Integer.toHexString(c));
        }
        assertTrue(BearerTokens.isB64token("abc=="), "trailing padding");
        assertFalse(BearerTokens.isB64token("=="), "padding alone");
        assertFalse(BearerTokens.isB64token("ab=c"), "padding inside");
    }
}
