package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private static final TrustedProxies PROXIES = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")));

    private static TrustedProxies.Client resolve(ServletMocks.Request request) {
        return PROXIES.resolve(request.build());
    }

    private static ServletMocks.Request fromProxy() {
        return new ServletMocks.Request("POST", "/auth/login").remoteAddr("10.0.0.5");
    }

    @Test
    void withoutTrustedProxiesTheConnectionIsTheClientWhateverTheHeadersSay() {
        ServletMocks.Request spoofed = new ServletMocks.Request("POST", "/x").remoteAddr("127.0.0.1")
                .header("X-Forwarded-For", "10.9.9.9").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "evil.example").header("Forwarded", "for=10.9.9.9;proto=https;host=evil.example");
        TrustedProxies.Client client = TrustedProxies.NONE.resolve(spoofed.build());
        assertEquals("127.0.0.1", client.address());
        assertEquals("http://app.example", client.origin());
        assertEquals("192.0.2.44", resolve(new ServletMocks.Request("POST", "/x").remoteAddr("192.0.2.44")
                .header("X-Forwarded-For", "10.9.9.9")).address(), "a client that is no trusted proxy names nobody");
    }

    @Test
    void xForwardedForIsWalkedFromTheRightSkippingTrustedProxies() {
        assertEquals("203.0.113.7", resolve(fromProxy().header("X-Forwarded-For", "203.0.113.7")).address());
        assertEquals("203.0.113.7", resolve(fromProxy().header("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.0.0.9"))
                .address(), "what the client wrote itself (198.51.100.1) is never believed");
        assertEquals("203.0.113.7", resolve(fromProxy().header("X-Forwarded-For", "198.51.100.1")
                .header("X-Forwarded-For", "203.0.113.7")).address(), "several header lines are one list");
        assertEquals("10.0.0.8", resolve(fromProxy().header("X-Forwarded-For", "10.0.0.8, 10.0.0.9")).address(),
                "all trusted: the farthest");
        assertEquals("10.0.0.5", resolve(fromProxy()).address(), "a proxy that names nobody is the client");
        assertEquals("2001:db8::7", resolve(fromProxy().header("X-Forwarded-For", "[2001:db8::7]:4711")).address());
        assertEquals("203.0.113.7", resolve(fromProxy().header("X-Forwarded-For", "203.0.113.7:5555")).address());
    }

    @Test
    void schemeAndHostAreThoseWrittenForTheClientsHop() {
        TrustedProxies.Client client = resolve(fromProxy().header("X-Forwarded-For", "203.0.113.7")
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "www.example"));
        assertEquals("https://www.example", client.origin());
        assertTrue(client.isHttps());
        // The client sent its own X-Forwarded-Proto; the proxy appended what it saw.
        assertEquals("http", resolve(fromProxy().header("X-Forwarded-For", "203.0.113.7")
                .header("X-Forwarded-Proto", "https, http")).scheme());
        // Two proxies, one value for the whole chain (the second passed it on).
        assertEquals("https", resolve(fromProxy().header("X-Forwarded-For", "203.0.113.7, 10.0.0.9")
                .header("X-Forwarded-Proto", "https")).scheme());
        assertEquals("http://app.example", resolve(fromProxy().header("X-Forwarded-For", "203.0.113.7")).origin(),
                "no forwarded scheme or host: the request's own");
    }

    @Test
    void rfc7239ForwardedIsPreferredAndReadPerElement() {
        TrustedProxies.Client client = resolve(fromProxy()
                .header("Forwarded", "for=198.51.100.1;proto=http;host=evil.example, for=\"203.0.113.7:4711\";proto=https;host=www.example")
                .header("X-Forwarded-For", "192.0.2.200"));
        assertEquals("203.0.113.7", client.address());
        assertEquals("https://www.example", client.origin());
        assertEquals("2001:db8:cafe::17", resolve(fromProxy().header("Forwarded", "For=\"[2001:db8:cafe::17]:4711\"")).address());
        assertEquals("10.0.0.8", resolve(fromProxy().header("Forwarded", "for=10.0.0.8, for=10.0.0.9")).address());
        assertEquals("unknown", resolve(fromProxy().header("Forwarded", "for=unknown")).address());
        assertFalse(ClientNetworks.contains(List.of(Cidr.parse("0.0.0.0/0")), "unknown"), "never inside an allow-list");
    }

    @Test
    void aMalformedForwardedHeaderIsNotBelievedAtAll() {
        for (String bad : List.of("for=\"203.0.113.7", "for", "=x", "for=1.2.3.4;for=5.6.7.8", "for=1.2.3.4 junk",
                "for=203.0.113.7:80")) {
            assertTrue(TrustedProxies.parseForwarded(bad).isEmpty(), bad);
            assertEquals("10.0.0.5", resolve(fromProxy().header("Forwarded", bad)).address(), bad);
        }
    }
}
