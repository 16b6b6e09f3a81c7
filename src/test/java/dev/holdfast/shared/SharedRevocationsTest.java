package dev.holdfast.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.RedisUrl;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.token.RevocationList;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a node takes from the revocation channel, which whoever can write Redis controls. No call reaches Redis. */
class SharedRevocationsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LONGEST_TOKEN_LIFE = Duration.ofHours(1).plusSeconds(30);
    private static final long YEAR_3000_MILLIS = Instant.parse("3000-01-01T00:00:00Z").toEpochMilli();

    private final MutableClock clock = new MutableClock(NOW);
    private final SharedConfig config = new SharedConfig(RedisUrl.parse("redis://127.0.0.1:1"), "unit", Duration.ofMillis(250),
            2, Duration.ofSeconds(1), clock, LONGEST_TOKEN_LIFE);
    private final RedisCalls redis = new RedisCalls(config);

    @AfterEach
    void close() {
        redis.close();
    }

    private SharedRevocations revocations(RevocationList local) {
        return new SharedRevocations(local, redis, new RedisKeys("unit", Optional.empty()), clock, LONGEST_TOKEN_LIFE, 10);
    }

    @Test
    void expiryFromRedisIsCutToTheLongestTokenLife() {
        RevocationList local = new RevocationList(clock);
        revocations(local).received(YEAR_3000_MILLIS + ":far");
        assertTrue(local.isRevoked("far"));
        clock.set(NOW.plus(LONGEST_TOKEN_LIFE));
        assertFalse(local.isRevoked("far"));
    }

    @Test
    void implausibleIdsAreIgnored() {
        RevocationList local = new RevocationList(clock);
        SharedRevocations revocations = revocations(local);
        long inAMinute = NOW.plusSeconds(60).toEpochMilli();
        revocations.received(inAMinute + ":" + "x".repeat(SharedRevocations.MAX_JTI_LENGTH + 1));
        revocations.received(inAMinute + ":bad\nline");
        revocations.received(inAMinute + ":nul\u0000");
        assertEquals(0, local.size());
        revocations.received(inAMinute + ":" + "x".repeat(SharedRevocations.MAX_JTI_LENGTH));
        assertEquals(1, local.size());
    }

    @Test
    void floodFromRedisLeavesThisNodesLogoutsRevoked() {
        RevocationList local = new RevocationList(1_000, clock);
        SharedRevocations revocations = revocations(local);
        local.revoke("my-logout", NOW.plus(Duration.ofMinutes(10)));
        for (int i = 0; i < 5_000; i++) {
            revocations.received(YEAR_3000_MILLIS + ":fake-" + i);
        }
        assertTrue(local.isRevoked("my-logout"));
        assertEquals(1_000, local.size());
    }
}
