package dev.holdfast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class BreakerTest {
    private final MutableClock clock = new MutableClock();
    private final Breaker breaker = new Breaker("main", 3, Duration.ofSeconds(5), clock);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(breaker.tryAcquire());
            breaker.onFailure();
        }
    }

    @Test
    void staysClosedBelowTheThreshold() {
        fail(2);
        assertEquals(Breaker.State.CLOSED, breaker.state());
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void opensAfterThresholdConsecutiveFailuresAndRefusesAtOnce() {
        fail(3);
        assertEquals(Breaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire());
        assertFalse(breaker.allowsCalls());
    }

    @Test
    void aSuccessResetsTheCountOfConsecutiveFailures() {
        fail(2);
        succeed(5);
        fail(2);
        assertEquals(Breaker.State.CLOSED, breaker.state(), "4 failures among 9 calls: a minority");
    }

    @Test
    void opensWhenMostRecentCallsFailEvenWithSuccessesInBetween() {
        // A failing credential query while cheap calls (health probes, replays) still succeed.
        fail(1);
        succeed(1);
        fail(1);
        succeed(1);
        assertEquals(Breaker.State.CLOSED, breaker.state());
        fail(1);
        assertEquals(Breaker.State.OPEN, breaker.state(), "3 of the last 5 calls failed");
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        fail(2);
        clock.advance(Duration.ofSeconds(Breaker.WINDOW_SECONDS + 1));
        succeed(1);
        fail(2);
        assertEquals(Breaker.State.CLOSED, breaker.state());
    }

    @Test
    void rareFailuresAmongManySuccessesKeepItClosed() {
        for (int round = 0; round < 20; round++) {
            succeed(3);
            fail(1);
        }
        assertEquals(Breaker.State.CLOSED, breaker.state());
    }

    private void succeed(int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(breaker.tryAcquire());
            breaker.onSuccess();
        }
    }

    @Test
    void neutralOutcomesNeitherCountNorReset() {
        fail(2);
        assertTrue(breaker.tryAcquire());
        breaker.onNeutral();
        assertEquals(Breaker.State.CLOSED, breaker.state());
        fail(1);
        assertEquals(Breaker.State.OPEN, breaker.state());
    }

    @Test
    void letsExactlyOneProbeThroughAfterOpenFor() {
        fail(3);
        clock.advance(Duration.ofMillis(4999));
        assertFalse(breaker.tryAcquire());
        clock.advance(Duration.ofMillis(1));
        assertTrue(breaker.allowsCalls());
        assertTrue(breaker.tryAcquire(), "the probe");
        assertEquals(Breaker.State.HALF_OPEN, breaker.state());
        assertFalse(breaker.tryAcquire(), "a second caller while the probe runs");
        assertFalse(breaker.allowsCalls());
    }

    @Test
    void aSuccessfulProbeClosesTheBreaker() {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        assertTrue(breaker.tryAcquire());
        breaker.onSuccess();
        assertEquals(Breaker.State.CLOSED, breaker.state());
        assertTrue(breaker.tryAcquire());
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void aFailedProbeOpensTheBreakerForAnotherOpenFor() {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        assertTrue(breaker.tryAcquire());
        breaker.onFailure();
        assertEquals(Breaker.State.OPEN, breaker.state());
        clock.advance(Duration.ofMillis(4999));
        assertFalse(breaker.tryAcquire());
        clock.advance(Duration.ofMillis(1));
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void aNeutralProbeLetsTheNextCallerProbe() {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        assertTrue(breaker.tryAcquire());
        breaker.onNeutral();
        assertEquals(Breaker.State.HALF_OPEN, breaker.state());
        assertTrue(breaker.tryAcquire());
        assertFalse(breaker.tryAcquire());
    }

    @Test
    void aProbeThatNeverReportsDoesNotWedgeTheBreaker() {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        assertTrue(breaker.tryAcquire());
        assertFalse(breaker.allowsCalls());
        clock.advance(Duration.ofSeconds(5));
        assertTrue(breaker.allowsCalls());
        assertTrue(breaker.tryAcquire(), "a new probe after openFor");
    }

    @Test
    void concurrentCallersGetOnlyOneProbe() throws Exception {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        int callers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        for (int i = 0; i < callers; i++) {
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (breaker.tryAcquire()) {
                    granted.incrementAndGet();
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(1, granted.get());
    }

    @Test
    void oneFailureMakesTheDatabaseSuspectUntilItAnswers() {
        assertFalse(breaker.suspect());
        fail(1);
        assertEquals(Breaker.State.CLOSED, breaker.state());
        assertTrue(breaker.suspect(), "a timeout or refused connection, and no answer since");
        assertTrue(breaker.tryAcquire(), "callers without a fallback still go to the database");
        breaker.onNeutral();
        assertTrue(breaker.suspect(), "pool exhaustion says nothing about the database");
        succeed(1);
        assertFalse(breaker.suspect());
    }

    @Test
    void staysSuspectWhileOpenOrHalfOpenAndNotAfterASuccessfulProbe() {
        fail(3);
        assertTrue(breaker.suspect());
        clock.advance(Duration.ofSeconds(5));
        assertTrue(breaker.tryAcquire());
        assertEquals(Breaker.State.HALF_OPEN, breaker.state());
        assertTrue(breaker.suspect());
        breaker.onSuccess();
        assertFalse(breaker.suspect());
    }

    @Test
    void probeWaitDefaultsToAFifthOfASecondAndMayBeZeroButNotNegative() {
        assertEquals(Duration.ofMillis(200), breaker.probeWait());
        assertEquals(Duration.ZERO, new Breaker("main", 3, Duration.ofSeconds(5), Duration.ZERO, clock).probeWait());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new Breaker("main", 3, Duration.ofSeconds(5), Duration.ofMillis(-1), clock));
        assertEquals("probeWait must not be negative: PT-0.001S", negative.getMessage());
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        IllegalArgumentException threshold = assertThrows(IllegalArgumentException.class,
                () -> new Breaker("main", 0, Duration.ofSeconds(5), clock));
        assertEquals("failureThreshold must be at least 1: 0", threshold.getMessage());
        IllegalArgumentException openFor = assertThrows(IllegalArgumentException.class,
                () -> new Breaker("main", 5, Duration.ZERO, clock));
        assertEquals("openFor must be positive: PT0S", openFor.getMessage());
    }

    @Test
    void logsOneWarningPerChangeOfStateNotPerCall() {
        Logger logger = (Logger) LoggerFactory.getLogger(Breaker.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            fail(3);
            for (int i = 0; i < 10; i++) {
                breaker.tryAcquire();
                breaker.onFailure();
            }
            clock.advance(Duration.ofSeconds(5));
            breaker.tryAcquire();
            breaker.tryAcquire();
            breaker.onSuccess();
            breaker.onSuccess();
        } finally {
            logger.detachAppender(events);
        }
        assertEquals(3, events.list.size(), events.list.toString());
        assertTrue(events.list.stream().allMatch(e -> e.getLevel() == Level.WARN));
        assertEquals("holdfast: database [main] breaker CLOSED -> OPEN: 3 consecutive failures; calls refused for PT5S",
                events.list.get(0).getFormattedMessage());
        assertEquals("holdfast: database [main] breaker OPEN -> HALF_OPEN: probing with one call",
                events.list.get(1).getFormattedMessage());
        assertEquals("holdfast: database [main] breaker HALF_OPEN -> CLOSED: the database answers again",
                events.list.get(2).getFormattedMessage());
    }

    @Test
    void defaultsAreFiveFailuresAndFiveSeconds() {
        Breaker defaults = Breaker.withDefaults("main", clock);
        for (int i = 0; i < 4; i++) {
            defaults.tryAcquire();
            defaults.onFailure();
        }
        assertEquals(Breaker.State.CLOSED, defaults.state());
        defaults.tryAcquire();
        defaults.onFailure();
        assertEquals(Breaker.State.OPEN, defaults.state());
        clock.advance(Duration.ofSeconds(5));
        assertTrue(defaults.tryAcquire());
    }
}
