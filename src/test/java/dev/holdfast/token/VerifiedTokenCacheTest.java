package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.holdfast.testing.MutableClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The verified-token cache: used only while the verifier would give the same answer. */
class VerifiedTokenCacheTest {

    static final Duration SKEW = Duration.ofSeconds(30);

    static TokenVerifier verifier(Keys keys, RevocationList revocations, Clock clock, int entries) {
        return new TokenVerifier(keys, "holdfast", Optional.empty(), Duration.ofHours(1), SKEW, revocations, clock, false, entries);
    }

    @Test
    void aRepeatedTokenIsAnsweredFromTheCache() {
        MutableClock clock = new MutableClock(Forge.NOW);
        TokenVerifier verifier = verifier(Keys.hmac(Forge.SECRET), new RevocationList(clock), clock, 100);
        String token = Forge.hs(Forge.claims());
        Verification first = verifier.verify(token);
        assertTrue(first.isValid(), first.toString());
        assertSame(first, verifier.verify(token));
        assertEquals(1, verifier.cachedTokens());
    }

    @Test
    void withTheCacheOffEveryTokenIsVerifiedAgain() {
        MutableClock clock = new MutableClock(Forge.NOW);
        TokenVerifier verifier = verifier(Keys.hmac(Forge.SECRET), new RevocationList(clock), clock, 0);
        String token = Forge.hs(Forge.claims());
        assertNotSame(verifier.verify(token), verifier.verify(token));
        assertEquals(0, verifier.cachedTokens());
    }

    @Test
    void aCachedTokenExpiresAtExpPlusSkewLikeAFreshOne() {
        MutableClock clock = new MutableClock(Forge.NOW);
        TokenVerifier verifier = verifier(Keys.hmac(Forge.SECRET), new RevocationList(clock), clock, 100);
        String token = Forge.hs(Forge.claims()); // exp = NOW + 600
        assertTrue(verifier.verify(token).isValid());
        clock.set(Forge.NOW.plusSeconds(600 + 29));
        assertTrue(verifier.verify(token).isValid());
        clock.set(Forge.NOW.plusSeconds(600 + 30));
        assertEquals(Optional.of(Rejection.EXPIRED), verifier.verify(token).rejection());
        assertEquals(0, verifier.cachedTokens());
    }

    @Test
    void aCachedTokenIsRefusedOnceItsJtiIsRevoked() {
        MutableClock clock = new MutableClock(Forge.NOW);
        RevocationList revocations = new RevocationList(clock);
        TokenVerifier verifier = verifier(Keys.hmac(Forge.SECRET), revocations, clock, 100);
        String token = Forge.hs(Forge.claims());
        VerifiedToken verified = verifier.verify(token).token().orElseThrow();
        revocations.revoke(verified.jti(), verified.acceptedUntil());
        assertEquals(Optional.of(Rejection.REVOKED), verifier.verify(token).rejection());
    }

    @Test
    void aRevocationLastsUntilTheVerifierStopsAcceptingTheToken() {
        // issue 11 finding 6: revoked until exp only, the token lived again in the skew after exp
        MutableClock clock = new MutableClock(Forge.NOW);
        RevocationList revocations = new RevocationList(clock);
        for (int entries : new int[] {0, 100}) {
            TokenVerifier verifier = verifier(Keys.hmac(Forge.SECRET), revocations, clock, entries);
            clock.set(Forge.NOW);
            String token = Forge.hs(Forge.claims().replace("jti-1", "jti-" + entries));
            VerifiedToken verified = verifier.verify(token).token().orElseThrow();
            assertEquals(verified.expiresAt().plus(SKEW), verified.acceptedUntil());
            revocations.revoke(verified.jti(), verified.acceptedUntil());
            clock.set(verified.expiresAt().plusSeconds(15));
            assertEquals(Optional.of(Rejection.REVOKED), verifier.verify(token).rejection(), "cache " + entries);
            clock.set(verified.acceptedUntil());
            assertEquals(Optional.of(Rejection.EXPIRED), verifier.verify(token).rejection(), "cache " + entries);
        }
    }

    @Test
    void aTokenDifferingInOneCharacterIsNotAHit() {
        MutableClock clock = new MutableClock(Forge.NOW);
        TokenVerifier verifier = verifier(Keys.hmac(Forge.SECRET), new RevocationList(clock), clock, 100);
        String token = Forge.hs(Forge.claims());
        assertTrue(verifier.verify(token).isValid());
        char last = token.charAt(token.length() - 2);
        String other = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertEquals(Optional.of(Rejection.BAD_SIGNATURE), verifier.verify(other).rejection());
    }

    @Test
    void aCachedTokenIsVerifiedAgainWhenTheRemoteKeySetDropsItsKey() throws Exception {
        Keys signer = Keys.fromJwkSet(Forge.privateSet(Forge.ec()));
        Keys other = Keys.fromJwkSet(Forge.privateSet(Forge.attackerRsa()));
        AtomicReference<String> published = new AtomicReference<>(signer.publicJwkSetJson().orElseThrow());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", "max-age=1"); // keys held a second (jose4j reads 0 as its default hour)
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            MutableClock clock = new MutableClock(Forge.NOW);
            Keys remote = Keys.remote(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json"));
            TokenVerifier verifier = verifier(remote, new RevocationList(clock), clock, 100);
            String token = new TokenIssuer(signer, "holdfast", Optional.empty(), clock)
                    .issue("alice", Optional.empty(), List.of(), "database", Duration.ofMinutes(5)).compact();
            assertTrue(verifier.verify(token).isValid());
            published.set(other.publicJwkSetJson().orElseThrow()); // the issuer rotated its key out
            // refetched after a second; without the key-set check the cached entry would hold until exp (5 minutes)
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Optional<Rejection> rejection = Optional.empty();
            while (rejection.isEmpty() && System.nanoTime() < deadline) {
                rejection = verifier.verify(token).rejection();
                Thread.onSpinWait();
            }
            assertEquals(Optional.of(Rejection.UNKNOWN_KEY), rejection);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theCacheStaysWithinItsBound() {
        VerifiedTokenCache cache = new VerifiedTokenCache(64);
        Verification any = Verification.rejected(Rejection.MALFORMED);
        for (int i = 0; i < 1000; i++) {
            byte[] digest = new byte[32];
            digest[0] = (byte) i;
            digest[1] = (byte) (i >> 8);
            cache.put(new VerifiedTokenCache.Key(digest), new VerifiedTokenCache.Entry(any, "j" + i, 1e12, this), 0);
            assertTrue(cache.size() <= 64, "size " + cache.size());
        }
    }

    @Test
    void keysEqualOnlyWhenAllOfTheDigestIs() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[31] = 1;
        assertEquals(new VerifiedTokenCache.Key(a), new VerifiedTokenCache.Key(a.clone()));
        assertTrue(!new VerifiedTokenCache.Key(a).equals(new VerifiedTokenCache.Key(b)));
        assertEquals(new VerifiedTokenCache.Key(a).hashCode(), new VerifiedTokenCache.Key(b).hashCode());
    }

    @Test
    void refusesANegativeSize() {
        assertThrows(IllegalArgumentException.class, () -> verifier(Keys.hmac(Forge.SECRET), new RevocationList(Clock.systemUTC()),
                Clock.systemUTC(), -1));
    }
}
