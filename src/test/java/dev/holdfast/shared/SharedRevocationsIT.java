package dev.holdfast.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.RedisUrl;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.token.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** A node catching up from the revocation set on the real Redis at 127.0.0.1:6379, in a namespace of its own. */
class SharedRevocationsIT {
    private final Clock clock = Clock.systemUTC();
    private final String namespace = "test-" + UUID.randomUUID();
    private final RedisKeys keys = new RedisKeys(namespace, Optional.empty());
    private final RedisCalls redis = new RedisCalls(new SharedConfig(RedisUrl.parse("redis://127.0.0.1:6379"), namespace,
            Duration.ofSeconds(5), 2, Duration.ofSeconds(1), clock, Duration.ofHours(2)));

    /** How long a condition that must come true is waited for. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @AfterEach
    void close() {
        redis.close();
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            jedis.del(keys.revoked());
        }
    }

    @Test
    void catchUpReadsEveryIdWhenMoreThanAPageShareOneExpiry() {
        int count = 2 * SharedRevocations.PAGE + 500;
        long sameSecond = clock.millis() + Duration.ofHours(1).toMillis();
        Map<String, Double> members = new HashMap<>();
        members.put("earlier", (double) sameSecond - 1_000);
        for (int i = 0; i < count; i++) {
            members.put("jti-" + i, (double) sameSecond);
        }
        members.put("later", (double) sameSecond + 1_000);
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            jedis.zadd(keys.revoked(), members);
        }
        RevocationList local = new RevocationList(clock);
        AtomicInteger pages = new AtomicInteger();

        assertTrue(new SharedRevocations(local, redis, keys, clock, Duration.ofHours(2), 10).catchUp(pages::incrementAndGet));

        assertEquals(members.size(), local.size());
        for (String jti : members.keySet()) {
            assertTrue(local.isRevoked(jti), jti);
        }
        // each page read counts as a sign of life, so a long catch-up is not taken for a silent connection
        assertEquals(members.size() / SharedRevocations.PAGE + 1, pages.get());
    }

    @Test
    void catchUpLongerThanTheSilenceLimitKeepsItsSubscription() throws Exception {
        int pages = 12;
        long inAnHour = clock.millis() + Duration.ofHours(1).toMillis();
        Map<String, Double> members = new HashMap<>();
        for (int i = 0; i < pages * SharedRevocations.PAGE; i++) {
            members.put("jti-" + i, (double) inAnHour + i);
        }
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            jedis.zadd(keys.revoked(), members);
        }
        // Each page costs at least two delayed chunks (request and answer), so the catch-up lasts far beyond the
        // three seconds of silence after which the keeper drops a subscription.
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379)) {
            proxy.delay(Duration.ofMillis(300));
            RevocationList local = new RevocationList(clock);
            SharedConfig slow = new SharedConfig(RedisUrl.parse("redis://" + proxy.host() + ":" + proxy.port()), namespace,
                    Duration.ofSeconds(10), 2, Duration.ofSeconds(1), clock, Duration.ofHours(2));
            try (SharedState slowNode = SharedState.open(slow, local)) {
                await("the slow node caught up and listening", slowNode::reachable);
                assertEquals(members.size(), local.size());

                // Published only, not in the set: a node hears it only on a subscription that is still live.
                long inFiveMinutes = clock.millis() + Duration.ofMinutes(5).toMillis();
                try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
                    jedis.publish(keys.revocationChannel(), inFiveMinutes + ":after-catch-up");
                }
                await("the published revocation heard by the slow node", () -> local.isRevoked("after-catch-up"));
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE + ": " + what);
            }
            Thread.sleep(5);
        }
    }
}
