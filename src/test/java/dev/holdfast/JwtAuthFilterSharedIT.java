package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.holdfast.config.RedisUrl;
import dev.holdfast.shared.SharedConfig;
import dev.holdfast.shared.SharedState;
import dev.holdfast.token.Forge;
import dev.holdfast.token.IssuedToken;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenIssuer;
import dev.holdfast.web.ServletMocks;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A filter declared without the listener (a verify-only node) with {@code holdfast.shared.redisUrl}: a logout on
 * another node, through the real Redis at 127.0.0.1:6379, is refused by it too; its threads go with destroy().
 */
class JwtAuthFilterSharedIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void aVerifyOnlyFilterRefusesATokenRevokedOnAnotherNode() throws Exception {
        String namespace = "test-" + UUID.randomUUID();
        FilterFixture f = new FilterFixture();
        f.contextParams.put("holdfast.shared.redisUrl", "redis://127.0.0.1:6379");
        f.contextParams.put("holdfast.shared.namespace", namespace);
        f.init();
        Clock clock = Clock.systemUTC();
        IssuedToken token = new TokenIssuer(Keys.hmac(Forge.SECRET), "holdfast", Optional.empty(), clock)
                .issue("alice", Optional.empty(), List.of("user"), "database", Duration.ofMinutes(15));
        ServletMocks.Request request = new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer " + token.compact());
        try (SharedState loginNode = SharedState.open(new SharedConfig(RedisUrl.parse("redis://127.0.0.1:6379"), namespace,
                Duration.ofMillis(250), 5, Duration.ofSeconds(5), clock), new RevocationList(clock))) {
            f.run(request);
            assertNotNull(f.passed.get(), "the token is accepted before the logout");

            loginNode.revoker().revoke(token.jti(), token.expiresAt());
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            do {
                f.run(request);
                if (f.passed.get() == null) {
                    return;
                }
                Thread.sleep(5);
            } while (System.nanoTime() < deadline);
            throw new AssertionError("the verify-only filter still accepts the revoked token after " + PATIENCE);
        } finally {
            f.filter.destroy();
            try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
                for (String key : jedis.keys("holdfast:" + namespace + ":*")) {
                    jedis.del(key);
                }
            }
        }
    }
}
