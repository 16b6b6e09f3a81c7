package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SameOriginTest {

    static boolean same(ServletMocks.Request r) {
        return SameOrigin.isSameOrigin(r.build());
    }

    static ServletMocks.Request post() {
        return new ServletMocks.Request("POST", "/orders");
    }

    @Test
    void originOfThisSitePasses() {
        assertTrue(same(post().header("Origin", "http://app.example")));
        assertTrue(same(post().header("Origin", "http://APP.example:80")));
    }

    @Test
    void otherOriginsFail() {
        assertFalse(same(post().header("Origin", "http://evil.example")));
        assertFalse(same(post().header("Origin", "https://app.example")));
        assertFalse(same(post().header("Origin", "http://app.example:8080")));
        assertFalse(same(post().header("Origin", "null")));
        assertFalse(same(post().header("Origin", "http://app.example.evil.example")));
    }

    @Test
    void originWinsOverReferer() {
        assertFalse(same(post().header("Origin", "http://evil.example").header("Referer", "http://app.example/x")));
    }

    @Test
    void refererIsUsedWithoutOrigin() {
        assertTrue(same(post().header("Referer", "http://app.example/app/form?x=1")));
        assertFalse(same(post().header("Referer", "http://evil.example/app/form")));
        assertFalse(same(post().header("Referer", "not a url")));
    }

    @Test
    void secFetchSiteIsUsedLast() {
        assertTrue(same(post().header("Sec-Fetch-Site", "same-origin")));
        assertFalse(same(post().header("Sec-Fetch-Site", "same-site")));
        assertFalse(same(post().header("Sec-Fetch-Site", "cross-site")));
    }

    @Test
    void requestSayingNothingFails() {
        assertFalse(same(post()));
    }

    @Test
    void behindATlsProxyTheForwardedSchemeAndHostCount() {
        assertTrue(same(post().header("X-Forwarded-Proto", "https").header("Origin", "https://app.example")));
        assertTrue(same(post().header("X-Forwarded-Proto", "https, http").header("X-Forwarded-Host", "www.example")
                .header("Origin", "https://www.example")));
        assertFalse(same(post().header("X-Forwarded-Proto", "https").header("Origin", "http://app.example")));
    }

    @Test
    void unsafeMethods() {
        for (String m : new String[] {"POST", "PUT", "PATCH", "DELETE", "post", "PROPPATCH"}) {
            assertTrue(SameOrigin.isUnsafe(m), m);
        }
        for (String m : new String[] {"GET", "HEAD", "OPTIONS", "get"}) {
            assertFalse(SameOrigin.isUnsafe(m), m);
        }
    }
}
