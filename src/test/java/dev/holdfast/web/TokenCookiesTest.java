package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        TokenCookies cookies = new TokenCookies("holdfast_token", Optional.empty(), TokenCookies.Secure.AUTO);
        assertEquals("holdfast_token=a.b.c; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax",
                set(cookies, new ServletMocks.Request("POST", "/auth/login")));
    }

    @Test
    void autoAddsSecureOnHttpsOrBehindAnHttpsProxy() {
        TokenCookies cookies = new TokenCookies("t", Optional.of("/"), TokenCookies.Secure.AUTO);
        assertEquals("t=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax; Secure",
                set(cookies, new ServletMocks.Request("POST", "/x").https()));
        assertEquals("t=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax; Secure",
                set(cookies, new ServletMocks.Request("POST", "/x").header("X-Forwarded-Proto", "HTTPS")));
    }

    @Test
    void alwaysAndNeverOverrideTheRequest() {
        assertEquals("t=a.b.c; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax; Secure",
                set(new TokenCookies("t", Optional.empty(), TokenCookies.Secure.ALWAYS), new ServletMocks.Request("POST", "/x")));
        assertEquals("t=a.b.c; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax",
                set(new TokenCookies("t", Optional.empty(), TokenCookies.Secure.NEVER), new ServletMocks.Request("POST", "/x").https()));
    }

    @Test
    void rootContextGetsPathSlash() {
        assertEquals("t=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax",
                set(new TokenCookies("t", Optional.empty(), TokenCookies.Secure.NEVER),
                        new ServletMocks.Request("POST", "/x").contextPath("")));
    }

    @Test
    void clearExpiresTheSameCookie() {
        ServletMocks.Response response = new ServletMocks.Response();
        new TokenCookies("t", Optional.empty(), TokenCookies.Secure.NEVER).clear(new ServletMocks.Request("POST", "/x").build(), response.mock);
        assertEquals(List.of("t=; Max-Age=0; Path=/app; HttpOnly; SameSite=Lax"), response.headers("Set-Cookie"));
    }

    @Test
    void refusesBadNamesPathsAndValues() {
        assertEquals("name [a b] is not a cookie name", assertThrows(IllegalArgumentException.class,
                () -> new TokenCookies("a b", Optional.empty(), TokenCookies.Secure.AUTO)).getMessage());
        assertEquals("path [/x;y] is not a cookie path", assertThrows(IllegalArgumentException.class,
                () -> new TokenCookies("t", Optional.of("/x;y"), TokenCookies.Secure.AUTO)).getMessage());
        TokenCookies cookies = new TokenCookies("t", Optional.empty(), TokenCookies.Secure.AUTO);
        assertEquals("token is not a valid cookie value", assertThrows(IllegalArgumentException.class,
                () -> cookies.set(new ServletMocks.Request("GET", "/").build(), new ServletMocks.Response().mock, "a;b", Duration.ZERO)).getMessage());
    }
}
