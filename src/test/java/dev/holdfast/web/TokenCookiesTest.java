package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.holdfast.config.Cidr;
import dev.holdfast.config.Settings.CookieSecure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenCookiesTest {

    static String set(TokenCookies cookies, ServletMocks.Request request) {
        ServletMocks.Response response = new ServletMocks.Response();
        cookies.set(request.build(), response.mock, "a.b.c", Duration.ofMinutes(60));
        return response.header("Set-Cookie");
    }

    @Test
    void setsHttpOnlyLaxCookieOnTheContextPath() {
        TokenCookies cookies = new TokenCookies("holdfast_token", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE);
        assertEquals("holdfast_token=a.b.c; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax",
                set(cookies, new ServletMocks.Request("POST", "/auth/login")));
    }

    @Test
    void autoAddsSecureOnHttpsOrBehindATrustedHttpsProxy() {
        TokenCookies cookies = new TokenCookies("t", Optional.of("/"), CookieSecure.AUTO,
                new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8"))));
        assertEquals("t=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax; Secure",
                set(cookies, new ServletMocks.Request("POST", "/x").https()));
        assertEquals("t=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax; Secure",
                set(cookies, new ServletMocks.Request("POST", "/x").remoteAddr("10.1.2.3").header("X-Forwarded-Proto", "HTTPS")));
        assertEquals("t=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax",
                set(cookies, new ServletMocks.Request("POST", "/x").remoteAddr("192.0.2.9").header("X-Forwarded-Proto", "https")),
                "a client that is no trusted proxy cannot say it came over HTTPS");
    }

    @Test
    void aHostPrefixedCookieIsSecureAtTheRootWhateverTheContextPath() {
        TokenCookies cookies = new TokenCookies("__Host-holdfast", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE);
        assertEquals("__Host-holdfast=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax; Secure",
                set(cookies, new ServletMocks.Request("POST", "/auth/login").https()));
        ServletMocks.Response response = new ServletMocks.Response();
        cookies.clear(new ServletMocks.Request("POST", "/x").https().build(), response.mock);
        assertEquals(List.of("__Host-holdfast=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure"), response.headers("Set-Cookie"));
        assertEquals("__Secure-t=a.b.c; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax; Secure",
                set(new TokenCookies("__Secure-t", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE),
                        new ServletMocks.Request("POST", "/x")));
    }

    @Test
    void aHostPrefixRefusesWhatBrowsersWouldRefuse() {
        assertEquals("name [__Host-t] needs the Secure attribute; it cannot be used with secure = false",
                assertThrows(IllegalArgumentException.class, () -> new TokenCookies("__Host-t", Optional.empty(),
                        CookieSecure.FALSE, TrustedProxies.NONE)).getMessage());
        assertEquals("name [__Host-t] needs Path=/; it cannot be used with path [/app]",
                assertThrows(IllegalArgumentException.class, () -> new TokenCookies("__Host-t", Optional.of("/app"),
                        CookieSecure.AUTO, TrustedProxies.NONE)).getMessage());
    }

    @Test
    void everyCookieOfTheNameIsACandidateInOrderOnceEachAndBounded() {
        TokenCookies cookies = new TokenCookies("t", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE);
        ServletMocks.Request request = new ServletMocks.Request("GET", "/x").cookie("t", "tossed.by.sibling")
                .cookie("other", "x").cookie("t", "").cookie("t", "real.token.here").cookie("t", "tossed.by.sibling");
        assertEquals(List.of("tossed.by.sibling", "real.token.here"), cookies.candidates(request.build()));
        ServletMocks.Request many = new ServletMocks.Request("GET", "/x");
        for (int i = 0; i < 50; i++) {
            many.cookie("t", "c" + i);
        }
        assertEquals(TokenCookies.MAX_CANDIDATES, cookies.candidates(many.build()).size());
    }

    @Test
    void alwaysAndNeverOverrideTheRequest() {
        assertEquals("t=a.b.c; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax; Secure",
                set(new TokenCookies("t", Optional.empty(), CookieSecure.TRUE, TrustedProxies.NONE), new ServletMocks.Request("POST", "/x")));
        assertEquals("t=a.b.c; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax",
                set(new TokenCookies("t", Optional.empty(), CookieSecure.FALSE, TrustedProxies.NONE), new ServletMocks.Request("POST", "/x").https()));
    }

    @Test
    void rootContextGetsPathSlash() {
        assertEquals("t=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax",
                set(new TokenCookies("t", Optional.empty(), CookieSecure.FALSE, TrustedProxies.NONE),
                        new ServletMocks.Request("POST", "/x").contextPath("")));
    }

    @Test
    void clearExpiresTheSameCookie() {
        ServletMocks.Response response = new ServletMocks.Response();
        new TokenCookies("t", Optional.empty(), CookieSecure.FALSE, TrustedProxies.NONE).clear(new ServletMocks.Request("POST", "/x").build(), response.mock);
        assertEquals(List.of("t=; Max-Age=0; Path=/app; HttpOnly; SameSite=Lax"), response.headers("Set-Cookie"));
    }

    @Test
    void refusesBadNamesPathsAndValues() {
        assertEquals("name [a b] is not a cookie name", assertThrows(IllegalArgumentException.class,
                () -> new TokenCookies("a b", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE)).getMessage());
        assertEquals("path [/x;y] is not a cookie path", assertThrows(IllegalArgumentException.class,
                () -> new TokenCookies("t", Optional.of("/x;y"), CookieSecure.AUTO, TrustedProxies.NONE)).getMessage());
        TokenCookies cookies = new TokenCookies("t", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE);
        assertEquals("token is not a valid cookie value", assertThrows(IllegalArgumentException.class,
                () -> cookies.set(new ServletMocks.Request("GET", "/").build(), new ServletMocks.Response().mock, "a;b", Duration.ZERO)).getMessage());
    }
}
