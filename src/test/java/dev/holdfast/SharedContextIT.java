package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.Settings;
import dev.holdfast.config.SettingsReader;
import dev.holdfast.health.HealthReport;
import dev.holdfast.testing.Await;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import dev.holdfast.token.IssuedToken;
import dev.holdfast.token.Rejection;
import dev.holdfast.token.TokenIssuer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Two deployed contexts of one application sharing a real PostgreSQL and the real Redis at 127.0.0.1:6379, one
 * of them behind a {@link FaultProxy}: the wiring of {@code holdfast.shared.redisUrl} from the settings to the
 * logout's revocations, the verifier (with its cache) and health.
 */
class SharedContextIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final String secret = TestSecrets.hmacSetting();
    private final String namespace = "test-" + UUID.randomUUID();
    private final String database = TestDatabase.shared().createDatabaseWithSchema("shared_context");

    /** One node as the listener builds it: its token parts and its services. */
    private record Node(Tokens tokens, Services services) implements AutoCloseable {
        static Node build(Settings settings, ApplicationDirectory application) throws Exception {
            Tokens tokens = Tokens.from(settings, Clock.systemUTC());
            return new Node(tokens, Services.open(settings, Clock.systemUTC(), application, tokens));
        }

        @Override
        public void close() {
            services.close();
        }
    }

    private Node node(String name, String redisUrl) throws Exception {
        Map<String, String> params = new HashMap<>();
        params.put("holdfast.jwt.secret", secret);
        params.put("holdfast.db.url", database);
        params.put("holdfast.shared.redisUrl", redisUrl);
        params.put("holdfast.shared.namespace", namespace);
        // One slow call on a loaded machine must not open the breaker or fail a health check.
        params.put("holdfast.shared.timeout", "PT2S");
        params.put("holdfast.breaker.failures", "5");
        Settings settings = new SettingsReader(Map.of(), Map.of(), Map.of(), params, name).read(SettingsReader.Purpose.LISTENER);
        return Node.build(settings, new ApplicationDirectory(dir.resolve(name).resolve(".holdfast"), "shop-00000000", List.of()));
    }

    @Test
    void aLogoutOnOneNodeIsRefusedByTheOthersCacheAndHealthShowsRedisCutOff() throws Exception {
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379);
             Node a = node("a", "redis://" + proxy.host() + ":" + proxy.port());
             Node b = node("b", "redis://127.0.0.1:6379")) {
            IssuedToken token = new TokenIssuer(a.tokens.keys, "holdfast", Optional.empty(), Clock.systemUTC())
                    .issue("alice", Optional.empty(), List.of(), "database", Duration.ofMinutes(15));
            assertTrue(b.tokens.verifier.verify(token.compact()).isValid(), "verified, and now in b's cache");
            Await.until("node a up with its subscription", () -> a.services.health().status() == HealthReport.Status.UP);
            HealthReport healthy = a.services.health();
            assertEquals(HealthReport.Status.UP, healthy.status(), healthy.toJson());
            assertTrue(healthy.toJson().contains("\"shared\":{\"status\":\"UP\""), healthy.toJson());

            a.services.shared.revoker().revoke(token.jti(), token.expiresAt());
            awaitRefused(b, token);

            proxy.blackhole();
            HealthReport cutOff = a.services.health();
            assertEquals(HealthReport.Status.DEGRADED, cutOff.status(), cutOff.toJson());
            assertTrue(cutOff.toJson().contains("\"shared\":{\"status\":\"DOWN\""), cutOff.toJson());
            assertEquals(HealthReport.Status.UP, b.services.health().status(), "the other node still reaches Redis");
        } finally {
            try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
                for (String key : jedis.keys("holdfast:" + namespace + ":*")) {
                    jedis.del(key);
                }
            }
        }
    }

    @Test
    void withoutARedisUrlHealthSaysSharingIsOff() throws Exception {
        Map<String, String> params = Map.of("holdfast.jwt.secret", secret, "holdfast.db.url", database);
        Settings settings = new SettingsReader(Map.of(), Map.of(), Map.of(), params, "alone").read(SettingsReader.Purpose.LISTENER);
        try (Node alone = Node.build(settings,
                new ApplicationDirectory(dir.resolve("alone").resolve(".holdfast"), "shop-00000000", List.of()))) {
            HealthReport report = alone.services.health();
            assertEquals(HealthReport.Status.UP, report.status(), report.toJson());
            assertTrue(report.toJson().contains("\"shared\":{\"enabled\":false}"), report.toJson());
        }
    }

    private static void awaitRefused(Node node, IssuedToken token) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!node.tokens.verifier.verify(token.compact()).rejection().equals(Optional.of(Rejection.REVOKED))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the other node still accepts the revoked token after " + PATIENCE);
            }
            Thread.sleep(5);
        }
    }
}
