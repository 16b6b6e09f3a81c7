package dev.holdfast.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The throttle with fleet-wide counts: either the node's count or the fleet's can lock; no fleet, no change. */
class ThrottleFleetTest {
    private final MutableClock clock = new MutableClock();

    /** Counts in memory, as another node would have left them; or unreachable. */
    private static final class Fleet implements FleetFailures {
        final Map<String, Long> counts = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        boolean reachable = true;
        Duration remaining = Duration.ofMinutes(4);

        @Override
        public Optional<Counts> read(String userKey, String clientKey) {
            calls.add("read");
            if (!reachable) {
                return Optional.empty();
            }
            return Optional.of(new Counts(counts.getOrDefault(userKey, 0L), remaining,
                    counts.getOrDefault(clientKey, 0L), remaining));
        }

        @Override
        public void failed(String userKey, String clientKey, Duration lockout) {
            calls.add("failed");
            if (reachable) {
                counts.merge(userKey, 1L, Long::sum);
                counts.merge(clientKey, 1L, Long::sum);
            }
        }

        @Override
        public void cleared(String userKey) {
            calls.add("cleared");
            if (reachable) {
                counts.remove(userKey);
            }
        }
    }

    private static Optional<Duration> refused(Throttle throttle, String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            return attempt.refusedFor().isPresent() ? attempt.refusedFor() : attempt.reserve();
        }
    }

    private static void fail(Throttle throttle, String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            assertTrue(attempt.reserve().isEmpty(), "password may be checked");
            attempt.failed();
        }
    }

    @Test
    void failuresCountedOnOtherNodesLockHereForTheirRemainingTime() {
        Fleet fleet = new Fleet();
        Throttle elsewhere = new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet);
        Throttle here = new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet);
        fail(elsewhere, "alice", "10.0.0.1");
        fail(elsewhere, "alice", "10.0.0.1");
        assertTrue(refused(here, "alice", "10.0.0.1").isEmpty(), "two of three");
        fail(elsewhere, "alice", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofMinutes(4)), refused(here, "alice", "10.0.0.1"));
        assertTrue(refused(here, "alice", "10.0.0.2").isEmpty(), "another client");
    }

    @Test
    void aFleetCountNeverLocksOutForLongerThanTheLockout() {
        Fleet fleet = new Fleet();
        fleet.remaining = Duration.ofDays(365); // what a writer of Redis could set
        Throttle elsewhere = new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet);
        Throttle here = new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet);
        for (int i = 0; i < 3; i++) {
            fail(elsewhere, "alice", "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofMinutes(5)), refused(here, "alice", "10.0.0.1"));
        for (int i = 0; i < 50; i++) {
            fleet.counts.merge("c\u0000" + "10.0.0.9", 1L, Long::sum);
        }
        assertEquals(Optional.of(Duration.ofMinutes(5)), refused(here, "bob", "10.0.0.9"), "the client count too");
    }

    @Test
    void aClientLockedOutHereCostsTheFleetNoCall() {
        Fleet fleet = new Fleet();
        Throttle throttle = new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet);
        for (int i = 0; i < 3; i++) {
            fail(throttle, "alice", "10.0.0.1");
        }
        fleet.calls.clear();
        try (Throttle.Attempt attempt = throttle.begin("alice", "10.0.0.1")) {
            assertTrue(attempt.refusedFor().isPresent(), "locked out by this node's own count");
        }
        assertEquals(List.of(), fleet.calls, "no read of the fleet counts");
        assertTrue(refused(throttle, "bob", "10.0.0.1").isEmpty(), "another user from that client");
        assertEquals(List.of("read"), fleet.calls, "an attempt this node lets in still reads the fleet");
    }

    @Test
    void attemptsInFlightHereCountOnTopOfTheFleetCount() {
        Fleet fleet = new Fleet();
        Throttle here = new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet);
        fail(new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet), "bob", "10.0.0.1");
        fail(new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet), "bob", "10.0.0.1");
        try (Throttle.Attempt first = here.begin("bob", "10.0.0.1")) {
            assertTrue(first.reserve().isEmpty(), "the third check may run");
            assertEquals(Optional.of(Throttle.IN_FLIGHT_WAIT), refused(here, "bob", "10.0.0.1"),
                    "a fourth waits while the third is being checked");
        }
    }

    @Test
    void aDatabaseSuccessClearsTheFleetCountAndTierOutcomesStayOnTheNode() {
        Fleet fleet = new Fleet();
        Throttle here = new Throttle(3, 50, Duration.ofMinutes(5), clock, fleet);
        fail(here, "carol", "10.0.0.1");
        try (Throttle.Attempt attempt = here.begin("carol", "10.0.0.1")) {
            assertTrue(attempt.beforeTier().isEmpty());
            attempt.failedInTier();
        }
        try (Throttle.Attempt attempt = here.begin("carol", "10.0.0.1")) {
            assertTrue(attempt.reserve().isEmpty());
            attempt.succeeded();
        }
        assertEquals(List.of("read", "failed", "read", "read", "cleared"), fleet.calls);
        assertEquals(Optional.empty(), Optional.ofNullable(fleet.counts.get("u\u0000carol\u000010.0.0.1")));
    }

    @Test
    void anUnreachableFleetLeavesTheNodesOwnLimits() {
        Fleet fleet = new Fleet();
        fleet.reachable = false;
        Throttle here = new Throttle(2, 50, Duration.ofMinutes(5), clock, fleet);
        fail(here, "dave", "10.0.0.1");
        assertTrue(refused(here, "dave", "10.0.0.1").isEmpty());
        fail(here, "dave", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofMinutes(5)), refused(here, "dave", "10.0.0.1"), "locked by this node's count");
    }
}
