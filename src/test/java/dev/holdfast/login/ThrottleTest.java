package dev.holdfast.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final Throttle throttle = new Throttle(3, 5, Duration.ofMinutes(5), clock);

    @Test
    void locksUserAndClientAfterMaxFailuresUntilTheLockoutPasses() {
        for (int i = 0; i < 3; i++) {
            assertTrue(throttle.blockedFor("alice", "10.0.0.1").isEmpty());
            throttle.recordFailure("alice", "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofMinutes(5)), throttle.blockedFor("alice", "10.0.0.1"));
        clock.advance(Duration.ofMinutes(2));
        assertEquals(Optional.of(Duration.ofMinutes(3)), throttle.blockedFor("alice", "10.0.0.1"));
        clock.advance(Duration.ofMinutes(3));
        assertTrue(throttle.blockedFor("alice", "10.0.0.1").isEmpty());
    }

    @Test
    void aStrangerCannotLockTheUserOutFromEverywhere() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("alice", "10.0.0.1");
        }
        assertTrue(throttle.blockedFor("alice", "10.0.0.2").isEmpty());
    }

    @Test
    void usernameCaseDoesNotBypassTheCount() {
        throttle.recordFailure("alice", "10.0.0.1");
        throttle.recordFailure("Alice", "10.0.0.1");
        throttle.recordFailure("ALICE", "10.0.0.1");
        assertTrue(throttle.blockedFor("alice", "10.0.0.1").isPresent());
    }

    @Test
    void locksAClientThatSpraysManyUsernames() {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure("user" + i, "10.0.0.9");
        }
        assertTrue(throttle.blockedFor("someone-new", "10.0.0.9").isPresent());
        assertTrue(throttle.blockedFor("someone-new", "10.0.0.8").isEmpty());
    }

    @Test
    void successClearsTheUsersCount() {
        throttle.recordFailure("alice", "10.0.0.1");
        throttle.recordFailure("alice", "10.0.0.1");
        throttle.recordSuccess("alice", "10.0.0.1");
        throttle.recordFailure("alice", "10.0.0.1");
        assertTrue(throttle.blockedFor("alice", "10.0.0.1").isEmpty());
    }

    @Test
    void memoryIsBounded() {
        Throttle big = new Throttle(1000, 1_000_000, Duration.ofMinutes(5), clock);
        for (int i = 0; i < Throttle.MAX_TRACKED + 500; i++) {
            big.recordFailure("u" + i, "10.0.0.1");
        }
        assertTrue(big.tracked() <= Throttle.MAX_TRACKED, "tracked " + big.tracked());
    }

    @Test
    void refusesNonsenseLimits() {
        assertEquals("maxFailures and maxClientFailures must be at least 1",
                assertThrows(IllegalArgumentException.class, () -> new Throttle(0, 1, Duration.ofMinutes(1), clock)).getMessage());
    }
}
