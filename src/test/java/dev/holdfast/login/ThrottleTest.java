package dev.holdfast.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final Throttle throttle = new Throttle(3, 5, Duration.ofMinutes(5), clock);

    private void fail(String username, String client) {
        fail(throttle, username, client);
    }

    private static void fail(Throttle throttle, String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            assertTrue(attempt.refusedFor().isEmpty(), "attempt let in");
            assertTrue(attempt.reserve().isEmpty(), "password may be checked");
            attempt.failed();
        }
    }

    private static void succeed(Throttle throttle, String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            assertTrue(attempt.reserve().isEmpty(), "password may be checked");
            attempt.succeeded();
        }
    }

    private void failInTier(String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            assertTrue(attempt.refusedFor().isEmpty(), "attempt let in");
            assertTrue(attempt.beforeTier().isEmpty(), "tier may check");
            attempt.failedInTier();
        }
    }

    private Optional<Duration> refused(String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            return attempt.refusedFor().isPresent() ? attempt.refusedFor() : attempt.reserve();
        }
    }

    private Optional<Duration> refusedByTier(String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            return attempt.refusedFor().isPresent() ? attempt.refusedFor() : attempt.beforeTier();
        }
    }

    @Test
    void locksUserAndClientAfterMaxFailuresUntilTheLockoutPasses() {
        for (int i = 0; i < 3; i++) {
            fail("alice", "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofMinutes(5)), refused("alice", "10.0.0.1"));
        clock.advance(Duration.ofMinutes(2));
        assertEquals(Optional.of(Duration.ofMinutes(3)), refused("alice", "10.0.0.1"));
        clock.advance(Duration.ofMinutes(3));
        assertTrue(refused("alice", "10.0.0.1").isEmpty());
    }

    @Test
    void attemptsBeingCheckedCountBeforeTheyAreSettled() {
        List<Throttle.Attempt> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Throttle.Attempt attempt = throttle.begin("alice", "10.0.0.1");
            assertTrue(attempt.reserve().isEmpty());
            inFlight.add(attempt);
        }
        // Three passwords are being checked: a fourth must wait, whatever they come to.
        assertEquals(Optional.of(Throttle.IN_FLIGHT_WAIT), refused("alice", "10.0.0.1"));
        Throttle.Attempt other = throttle.begin("bob", "10.0.0.1");
        assertTrue(other.refusedFor().isEmpty(), "other users are not held up");
        other.close();
        inFlight.get(0).succeeded();
        inFlight.get(1).close(); // an error before any judgement: counts as nothing
        assertTrue(refused("alice", "10.0.0.1").isEmpty(), "settled attempts free their places");
        inFlight.get(2).failed();
        fail("alice", "10.0.0.1");
        fail("alice", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofMinutes(5)), refused("alice", "10.0.0.1"));
    }

    @Test
    void anAttemptStillWaitingForTheDatabaseHoldsNoPlace() {
        List<Throttle.Attempt> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Throttle.Attempt attempt = throttle.begin("alice", "10.0.0.1");
            assertTrue(attempt.refusedFor().isEmpty());
            waiting.add(attempt); // stuck on a dead database: not reserved
        }
        try (Throttle.Attempt emergency = throttle.begin("alice", "10.0.0.1")) {
            assertTrue(emergency.refusedFor().isEmpty());
            assertTrue(emergency.beforeTier().isEmpty(), "the next attempt is not blocked by calls stuck in the database");
            emergency.succeededInTier();
        }
        waiting.forEach(Throttle.Attempt::close);
        assertEquals(0, throttle.tracked());
    }

    @Test
    void aSettledAttemptCannotBeSettledAgain() {
        Throttle.Attempt attempt = throttle.begin("alice", "10.0.0.1");
        assertThrows(IllegalStateException.class, attempt::failed, "not reserved yet");
        assertTrue(attempt.reserve().isEmpty());
        assertThrows(IllegalStateException.class, attempt::reserve);
        attempt.failed();
        assertThrows(IllegalStateException.class, attempt::failed);
        attempt.close(); // closing a settled attempt changes nothing
        fail("alice", "10.0.0.1");
        fail("alice", "10.0.0.1");
        assertTrue(refused("alice", "10.0.0.1").isPresent(), "exactly three failures counted");
    }

    @Test
    void tierFailuresLimitTheTierButNotTheDatabase() {
        for (int i = 0; i < 3; i++) {
            failInTier("alice", "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofMinutes(5)), refusedByTier("alice", "10.0.0.1"));
        assertTrue(refused("alice", "10.0.0.1").isEmpty(), "a login the database answers is not locked by our outage");
        clock.advance(Duration.ofMinutes(5));
        assertTrue(refusedByTier("alice", "10.0.0.1").isEmpty(), "tier failures lapse like any other");
    }

    @Test
    void databaseFailuresCountForTheTierToo() {
        fail("alice", "10.0.0.1");
        fail("alice", "10.0.0.1");
        failInTier("alice", "10.0.0.1");
        assertTrue(refusedByTier("alice", "10.0.0.1").isPresent());
        assertTrue(refused("alice", "10.0.0.1").isEmpty());
    }

    @Test
    void aTierSuccessClearsOnlyTheTiersCount() {
        fail("alice", "10.0.0.1");
        fail("alice", "10.0.0.1");
        failInTier("alice", "10.0.0.1");
        try (Throttle.Attempt attempt = throttle.begin("alice", "10.0.0.1")) {
            assertTrue(attempt.beforeTier().isPresent(), "2 + 1 = the limit");
        }
        // An old password the tier still knows must not wipe what the database counted.
        Throttle other = new Throttle(3, 5, Duration.ofMinutes(5), clock);
        fail(other, "bob", "10.0.0.1");
        fail(other, "bob", "10.0.0.1");
        try (Throttle.Attempt attempt = other.begin("bob", "10.0.0.1")) {
            assertTrue(attempt.beforeTier().isEmpty());
            attempt.succeededInTier();
        }
        fail(other, "bob", "10.0.0.1");
        try (Throttle.Attempt attempt = other.begin("bob", "10.0.0.1")) {
            assertTrue(attempt.refusedFor().isPresent(), "the two database failures are still counted");
        }
    }

    @Test
    void aStrangerCannotLockTheUserOutFromEverywhere() {
        for (int i = 0; i < 3; i++) {
            fail("alice", "10.0.0.1");
        }
        assertTrue(refused("alice", "10.0.0.2").isEmpty());
    }

    @Test
    void usernameCaseDoesNotBypassTheCount() {
        fail("alice", "10.0.0.1");
        fail("Alice", "10.0.0.1");
        fail("ALICE", "10.0.0.1");
        assertTrue(refused("alice", "10.0.0.1").isPresent());
    }

    @Test
    void locksAClientThatSpraysManyUsernames() {
        for (int i = 0; i < 5; i++) {
            fail("user" + i, "10.0.0.9");
        }
        assertTrue(refused("someone-new", "10.0.0.9").isPresent());
        assertTrue(refused("someone-new", "10.0.0.8").isEmpty());
    }

    @Test
    void successClearsTheUsersCount() {
        fail("alice", "10.0.0.1");
        fail("alice", "10.0.0.1");
        succeed(throttle, "alice", "10.0.0.1");
        fail("alice", "10.0.0.1");
        assertTrue(refused("alice", "10.0.0.1").isEmpty());
    }

    @Test
    void memoryIsBoundedAndHoldsOnlyFailures() {
        Throttle big = new Throttle(1000, 1_000_000, Duration.ofMinutes(5), clock);
        for (int i = 0; i < Throttle.MAX_TRACKED + 500; i++) {
            fail(big, "u" + i, "10.0.0.1");
        }
        assertTrue(big.tracked() <= Throttle.MAX_TRACKED, "tracked " + big.tracked());
        Throttle quiet = new Throttle(3, 5, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 100; i++) {
            succeed(quiet, "u" + i, "10.0.0." + i);
        }
        assertEquals(0, quiet.tracked(), "successful logins leave nothing behind");
    }

    @Test
    void refusesNonsenseLimits() {
        assertEquals("maxFailures and maxClientFailures must be at least 1",
                assertThrows(IllegalArgumentException.class, () -> new Throttle(0, 1, Duration.ofMinutes(1), clock)).getMessage());
    }
}
