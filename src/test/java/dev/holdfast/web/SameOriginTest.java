package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class SameOriginTest {

    static final TrustedProxies PROXY = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8")));

    static boolean same(ServletMocks.Request r) {
        return SameOrigin.isSameOrigin(r.build(), TrustedProxies.NONE);
    }

    static boolean crossSite(ServletMocks.Request r) {
        return SameOrigin.isCrossSite(r.build(), TrustedProxies.NONE);
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
    void secFetchSiteIsAskedFirst() {
        assertTrue(same(post().header("Sec-Fetch-Site", "same-origin")));
        assertFalse(same(post().header("Sec-Fetch-Site", "same-site")));
        assertFalse(same(post().header("Sec-Fetch-Site", "cross-site")));
        assertFalse(same(post().header("Sec-Fetch-Site", "cross-site").header("Origin", "http://app.example")));
        // Behind a TLS proxy that rewrote scheme and Host, a modern browser still says same-origin.
        assertTrue(same(post().header("Sec-Fetch-Site", "same-origin").header("Origin", "https://www.example")));
    }

    @Test
    void theMismatchForTheLogNamesWhatWasSaidNormalised() {
        assertEquals("Origin [http://evil.example], this server's origin [http://app.example]",
                SameOrigin.mismatch(post().header("Origin", "http://EVIL.example:80").build(), TrustedProxies.NONE));
        assertEquals("no Origin, Referer or Sec-Fetch-Site, this server's origin [http://app.example]",
                SameOrigin.mismatch(post().build(), TrustedProxies.NONE));
        assertEquals("Sec-Fetch-Site, this server's origin [http://app.example]",
                SameOrigin.mismatch(post().header("Sec-Fetch-Site", "cross-site").build(), TrustedProxies.NONE));
    }

    @Test
    void aLoginThroughAProxyThatRewroteTheHostIsNotCrossSiteForAModernBrowser() {
        assertFalse(crossSite(post().header("Origin", "https://www.example").header("Sec-Fetch-Site", "same-origin")));
    }

    @Test
    void requestSayingNothingFails() {
        assertFalse(same(post()));
    }

    @Test
    void behindATrustedTlsProxyTheForwardedSchemeAndHostCount() {
        assertTrue(SameOrigin.isSameOrigin(post().remoteAddr("10.0.0.2").header("X-Forwarded-Proto", "https")
                .header("Origin", "https://app.example").build(), PROXY));
        assertTrue(SameOrigin.isSameOrigin(post().remoteAddr("10.0.0.2").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "www.example").header("Origin", "https://www.example").build(), PROXY));
        assertFalse(SameOrigin.isSameOrigin(post().remoteAddr("10.0.0.2").header("X-Forwarded-Proto", "https")
                .header("Origin", "http://app.example").build(), PROXY));
    }

    @Test
    void forwardedHeadersFromAnyoneElseAreIgnored() {
        // The review's reproduction: a cookie POST from evil.example that names evil.example as the host.
        assertFalse(same(post().header("Origin", "http://evil.example").header("X-Forwarded-Host", "evil.example")));
        assertFalse(SameOrigin.isSameOrigin(post().remoteAddr("192.0.2.7").header("Origin", "http://evil.example")
                .header("X-Forwarded-Host", "evil.example").build(), PROXY));
        assertFalse(SameOrigin.isSameOrigin(post().header("Origin", "https://app.example")
                .header("X-Forwarded-Proto", "https").build(), TrustedProxies.NONE));
    }

    @Test
    void aLoginFromAnotherSiteIsCrossSite() {
        assertTrue(crossSite(post().header("Origin", "http://evil.example")));
        assertTrue(crossSite(post().header("Origin", "null")));
        assertTrue(crossSite(post().header("Sec-Fetch-Site", "cross-site")));
        assertTrue(crossSite(post().header("Sec-Fetch-Site", "same-site")));
        assertTrue(crossSite(post().header("Referer", "http://evil.example/form")));
        assertTrue(crossSite(post().header("Origin", "http://app.example").header("Sec-Fetch-Site", "cross-site")),
                "Sec-Fetch-Site decides when present: the browser computed it, no page can set it");
    }

    @Test
    void aLoginFromThisSiteOrFromNoBrowserIsNotCrossSite() {
        assertFalse(crossSite(post().header("Origin", "http://app.example").header("Sec-Fetch-Site", "same-origin")));
        assertFalse(crossSite(post().header("Sec-Fetch-Site", "same-origin")));
        assertFalse(crossSite(post().header("Sec-Fetch-Site", "none")));
        assertFalse(crossSite(post().header("Referer", "http://app.example/login.jsp")));
        assertFalse(crossSite(post()), "curl and scripts send none of these headers");
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
