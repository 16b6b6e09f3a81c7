package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A verify-only node against a real (JDK) HTTP server publishing another node's keys. */
class RemoteKeysTest {

    static final Clock CLOCK = Clock.fixed(Forge.NOW, ZoneOffset.UTC);
    final AtomicInteger fetches = new AtomicInteger();
    HttpServer server;

    URI serve(String json) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static TokenVerifier verifier(Keys keys) {
        return new TokenVerifier(keys, "holdfast", Optional.empty(), Duration.ofHours(1), Duration.ofSeconds(30),
                new RevocationList(CLOCK), CLOCK);
    }

    static String token(Keys signer) {
        return new TokenIssuer(signer, "holdfast", Optional.empty(), CLOCK)
                .issue("alice", Optional.empty(), List.of(), "database", Duration.ofMinutes(5)).compact();
    }

    @Test
    void verifiesWithPublishedKeysAndKeepsThemWhileTheUrlIsDown() throws Exception {
        Keys signer = Keys.fromJwkSet(Forge.privateSet(Forge.ec(), Forge.rsa()));
        TokenVerifier verifier = verifier(Keys.remote(serve(signer.publicJwkSetJson().orElseThrow())));
        String token = token(signer);
        assertTrue(verifier.verify(token).isValid());
        server.stop(0);
        server = null;
        Thread.sleep(1100); // past jose4j's refresh reprieve, so the unknown kid below really tries the URL
        String unknownKid = token(Keys.fromJwkSet(Forge.privateSet(Forge.attackerRsa())));
        Rejection rejection = verifier.verify(unknownKid).rejection().orElseThrow();
        assertTrue(rejection == Rejection.KEYS_UNAVAILABLE || rejection == Rejection.UNKNOWN_KEY, rejection.toString());
        assertTrue(verifier.verify(token).isValid(), "the last good keys were dropped");
    }

    @Test
    void unknownKidsDoNotHammerTheJwksUrl() throws Exception {
        Keys signer = Keys.fromJwkSet(Forge.privateSet(Forge.ec()));
        TokenVerifier verifier = verifier(Keys.remote(serve(signer.publicJwkSetJson().orElseThrow())));
        assertTrue(verifier.verify(token(signer)).isValid());
        String unknownKid = token(Keys.fromJwkSet(Forge.privateSet(Forge.attackerRsa())));
        for (int i = 0; i < 50; i++) {
            assertEquals(Optional.of(Rejection.UNKNOWN_KEY), verifier.verify(unknownKid).rejection());
        }
        assertTrue(fetches.get() <= 3, "fetched " + fetches.get() + " times");
    }

    @Test
    void refusesHmacTokensOnAVerifyOnlyNode() throws Exception {
        Keys signer = Keys.fromJwkSet(Forge.privateSet(Forge.ec()));
        TokenVerifier verifier = verifier(Keys.remote(serve(signer.publicJwkSetJson().orElseThrow())));
        assertEquals(Optional.of(Rejection.ALGORITHM_NOT_ALLOWED), verifier.verify(Forge.hs(Forge.claims())).rejection());
    }

    @Test
    void unreachableUrlWithNoKeysYetIsKeysUnavailable() throws Exception {
        URI url = serve("{}");
        server.stop(0);
        server = null;
        Keys signer = Keys.fromJwkSet(Forge.privateSet(Forge.ec()));
        assertEquals(Optional.of(Rejection.KEYS_UNAVAILABLE), verifier(Keys.remote(url)).verify(token(signer)).rejection());
    }
}
