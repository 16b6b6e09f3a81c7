package dev.holdfast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.db.DatabaseUnavailableException.Reason;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.Latencies;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * GuardedDatabase against a real PostgreSQL behind a real TCP fault. maxWait 500 ms + queryTimeout 1 s: every
 * call must return within that deadline plus scheduling slack; the assertion bound is 3x the deadline (a bound
 * against hangs, not a speed test). The worst latencies are written to target/fault-latencies/.
 */
class GuardedDatabaseIT {
    // short by default so the suite is quick; -Dholdfast.it.maxWait=PT1S -Dholdfast.it.queryTimeout=PT2S
    // measures the shipped defaults
    private static final Duration MAX_WAIT = Duration.parse(System.getProperty("holdfast.it.maxWait", "PT0.5S"));
    private static final Duration QUERY_TIMEOUT =
            Duration.parse(System.getProperty("holdfast.it.queryTimeout", "PT1S"));
    private static final Duration DEADLINE = MAX_WAIT.plus(QUERY_TIMEOUT);
    private static final Duration BOUND = DEADLINE.multipliedBy(3);
    private static final Latencies latencies = new Latencies("GuardedDatabaseIT-maxWait" + MAX_WAIT
            + "-queryTimeout" + QUERY_TIMEOUT);
    private static final AtomicInteger poolNumber = new AtomicInteger();
    private static String url;

    private final MutableClock clock = new MutableClock();
    private FaultProxy proxy;
    private GuardedDatabase db;
    private Breaker breaker;
    private String poolName;

    @BeforeAll
    static void createDatabase() {
        url = TestDatabase.shared().createDatabaseWithSchema("guarded");
    }

    @AfterAll
    static void report() {
        latencies.report();
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = FaultProxy.inFrontOf(TestDatabase.shared());
    }

    @AfterEach
    void closeAll() {
        if (db != null) {
            db.close();
            assertEquals(Set.of(), threadsGoneWithin(poolName, Duration.ofSeconds(2)), "no worker thread left after close");
        }
        proxy.close();
    }

    private GuardedDatabase open(int maxTotal, int failureThreshold) {
        return open(maxTotal, failureThreshold, QUERY_TIMEOUT);
    }

    private GuardedDatabase open(int maxTotal, int failureThreshold, Duration queryTimeout) {
        poolName = "it" + poolNumber.incrementAndGet();
        PoolSettings settings = new PoolSettings(poolName, proxy.wrap(url), null, null, maxTotal, MAX_WAIT,
                queryTimeout);
        breaker = new Breaker(poolName, failureThreshold, Duration.ofSeconds(5), clock);
        db = GuardedDatabase.open(settings, breaker, clock);
        return db;
    }

    /**
     * The pool's threads still alive after {@code grace}: close() returns once the executor has terminated,
     * and a worker that has finished its last task may still be unwinding for a moment.
     */
    private static Set<String> threadsGoneWithin(String pool, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        Set<String> alive = threadsOf(pool);
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
            alive = threadsOf(pool);
        }
        return alive;
    }

    private static Set<String> threadsOf(String pool) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("holdfast-db-" + pool + "-"))
                .collect(Collectors.toSet());
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static SqlWork<Integer> sleep(double seconds) {
        return c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(" + seconds + ")");
                return 1;
            }
        };
    }

    /** Runs the call, records its latency under {@code fault}, asserts the bound, returns the reason. */
    private Reason unavailable(String fault, SqlWork<?> work) {
        return unavailable(fault, () -> db.call(work));
    }

    private Reason unavailable(String fault, org.junit.jupiter.api.function.Executable call) {
        long start = System.nanoTime();
        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, call);
        Duration took = latencies.record(fault, Duration.ofNanos(System.nanoTime() - start));
        assertTrue(took.compareTo(BOUND) < 0, fault + " took " + took);
        return e.reason();
    }

    /** After a fault: the breaker lets a probe through and the database answers within a few seconds. */
    private void recovers(String fault) throws Exception {
        proxy.pass();
        clock.advance(Duration.ofSeconds(5));
        long start = System.nanoTime();
        long giveUp = start + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
                break;
            } catch (DatabaseUnavailableException e) {
                if (System.nanoTime() > giveUp) {
                    throw new AssertionError(fault + ": no recovery within 15 s", e);
                }
                clock.advance(Duration.ofSeconds(5));
                Thread.sleep(50);
            }
        }
        latencies.record("recovery after " + fault, Duration.ofNanos(System.nanoTime() - start));
        assertEquals(Breaker.State.CLOSED, db.snapshot().breakerState());
        assertTrue(db.isAvailable());
    }

    @Test
    void answersThroughAHealthyNetwork() throws Exception {
        open(4, 5);
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        PoolSnapshot snapshot = db.snapshot();
        assertEquals(0, snapshot.active());
        assertEquals(OptionalInt.of(1), snapshot.idle());
        assertEquals(4, snapshot.maxTotal());
        assertEquals(Breaker.State.CLOSED, snapshot.breakerState());
        assertTrue(snapshot.lastFailure().isEmpty());
    }

    @Test
    void anErrorAnswerIsRethrownAndKeepsTheBreakerClosed() throws Exception {
        open(2, 1);
        SQLException syntax = assertThrows(SQLException.class,
                () -> db.call(c -> c.createStatement().executeQuery("SELEKT 1")));
        assertEquals("42601", syntax.getSQLState());
        SQLException missing = assertThrows(SQLException.class,
                () -> db.call(c -> c.createStatement().executeQuery("SELECT * FROM no_such_table")));
        assertEquals("42P01", missing.getSQLState());
        assertEquals(Breaker.State.CLOSED, db.snapshot().breakerState());
    }

    @Test
    void refusedConnectionsFailFastAndRecover() throws Exception {
        open(4, 3);
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        proxy.refuse();
        proxy.killAll();
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.CONNECTION_FAILED, unavailable("refused", GuardedDatabaseIT::selectOne));
        }
        assertEquals(Breaker.State.OPEN, db.snapshot().breakerState());
        assertFalse(db.isAvailable());
        assertEquals(Reason.BREAKER_OPEN, unavailable("breaker open", GuardedDatabaseIT::selectOne));
        assertEquals(Reason.CONNECTION_FAILED, db.snapshot().lastFailure().orElseThrow());
        recovers("refused");
    }

    @Test
    void logsOneWarningWhenTheDatabaseStopsAnsweringAndOneInfoWhenItIsBack() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(GuardedDatabase.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            open(2, 3);
            assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
            proxy.refuse();
            proxy.killAll();
            for (int i = 0; i < 6; i++) {
                unavailable("refused", GuardedDatabaseIT::selectOne);
            }
            recovers("refused");
        } finally {
            logger.detachAppender(events);
        }
        List<String> warnings = events.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("holdfast: database [" + poolName + "] cannot answer: CONNECTION_FAILED"),
                warnings.get(0));
        assertTrue(events.list.stream().anyMatch(e -> e.getLevel() == Level.INFO
                && e.getFormattedMessage().equals("holdfast: database [" + poolName + "] answers again")));
    }

    @Test
    void refusedAtStartupFailsFast() throws Exception {
        proxy.refuse();
        open(4, 5);
        assertEquals(Reason.CONNECTION_FAILED, unavailable("refused at startup", GuardedDatabaseIT::selectOne));
        recovers("refused at startup");
    }

    @Test
    void blackholedNetworkTimesOutWithinTheDeadlineAndRecovers() throws Exception {
        open(4, 3);
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        proxy.blackhole();
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.TIMEOUT, unavailable("blackhole", GuardedDatabaseIT::selectOne));
        }
        assertEquals(Breaker.State.OPEN, db.snapshot().breakerState());
        recovers("blackhole");
    }

    @Test
    void aCallerWithAFallbackStopsWaitingOnceACallHasTimedOutUntilTheDatabaseAnswers() throws Exception {
        open(4, 100); // the breaker never opens by count here: only the suspicion after one failure is at work
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne, () -> true));
        proxy.blackhole();
        // The first call waits the deadline: nothing has failed yet, and the database comes first.
        assertEquals(Reason.TIMEOUT, unavailable("blackhole, fallback caller, first call",
                () -> db.call(GuardedDatabaseIT::selectOne, () -> true)));
        assertEquals(Breaker.State.CLOSED, db.snapshot().breakerState());
        assertTrue(breaker.suspect());
        // The next one is the probe: its caller waits probeWait, the probe runs on to the deadline.
        assertEquals(Reason.PROBING, unavailable("blackhole, fallback caller, the probe (probeWait 0.2 s)",
                () -> db.call(GuardedDatabaseIT::selectOne, () -> true)));
        // While it is out, the others are not kept waiting at all.
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.PROBING, unavailable("blackhole, fallback caller while the probe is out",
                    () -> db.call(GuardedDatabaseIT::selectOne, () -> true)));
        }
        // A caller that has no other way to answer still waits the deadline.
        assertEquals(Reason.TIMEOUT, unavailable("blackhole, caller without fallback while suspect",
                GuardedDatabaseIT::selectOne));
        assertEquals(Reason.TIMEOUT, db.snapshot().lastFailure().orElseThrow(), "PROBING is no news about the database");

        proxy.pass();
        long start = System.nanoTime();
        assertTrue(eventually(Duration.ofSeconds(15), () -> {
            try {
                return db.call(GuardedDatabaseIT::selectOne, () -> true) == 1;
            } catch (DatabaseUnavailableException e) {
                assertEquals(Reason.PROBING, e.reason());
                return false;
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }), "a fallback caller gets the database again once a probe found it answering");
        latencies.record("blackhole over, until a fallback caller gets the database", Duration.ofNanos(System.nanoTime() - start));
        assertFalse(breaker.suspect());
    }

    @Test
    void aCallerThatLeavesRoomForItsOwnWorkWaitsTheDeadlineLessThatRoomAndNeverLessThanHalf() throws Exception {
        open(2, 100, Duration.ofSeconds(6).minus(MAX_WAIT)); // a deadline of 6 s: half of it is 3 s
        // 4.5 s is within the deadline: a caller that keeps nothing for itself gets the answer.
        assertEquals(1, db.call(sleep(4.5), () -> false, Duration.ZERO));
        // A caller that keeps 10 s for itself keeps only half the deadline: it waits 3 s, less than the query takes.
        assertEquals(Reason.TIMEOUT, unavailable("slow query, caller leaving room for its own work",
                () -> db.call(sleep(4.5), () -> false, Duration.ofSeconds(10))));
        // ... and a query within that half answers.
        assertEquals(1, db.call(sleep(1), () -> false, Duration.ofSeconds(10)));
        assertFalse(breaker.suspect(), "the answer ends the suspicion the timeout raised");
    }

    @Test
    void aSlowButAnsweringDatabaseIsNeverSkipped() throws Exception {
        open(2, 100, Duration.ofSeconds(10)); // a deadline of 10.5 s: the held probe below always answers within it
        // A slow query that answers within the deadline is an answer: the fallback caller waits for it.
        assertEquals(1, db.call(sleep(0.5), () -> true));
        assertFalse(breaker.suspect());
        assertTrue(db.snapshot().lastFailure().isEmpty());

        proxy.refuse();
        proxy.killAll();
        assertEquals(Reason.CONNECTION_FAILED, unavailable("refused, fallback caller, first call",
                () -> db.call(GuardedDatabaseIT::selectOne, () -> true)));
        assertTrue(breaker.suspect());
        proxy.pass();

        // The database is back but slow: the probe is held until the test lets it answer.
        CountDownLatch probeRunning = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        SqlWork<Integer> heldProbe = c -> {
            probeRunning.countDown();
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return selectOne(c);
        };
        assertEquals(Reason.PROBING, assertThrows(DatabaseUnavailableException.class,
                () -> db.call(heldProbe, () -> true)).reason());
        assertTrue(probeRunning.await(10, TimeUnit.SECONDS));
        assertEquals(Reason.PROBING, assertThrows(DatabaseUnavailableException.class,
                () -> db.call(GuardedDatabaseIT::selectOne, () -> true)).reason());
        assertEquals(Breaker.State.CLOSED, db.snapshot().breakerState());
        answer.countDown();
        assertTrue(eventually(Duration.ofSeconds(10), () -> !breaker.suspect()), "the probe's answer ends the suspicion");
        // From then on the database comes first again, slow or not.
        assertEquals(1, db.call(sleep(0.5), () -> true));
        assertEquals(Breaker.State.CLOSED, db.snapshot().breakerState());
    }

    @Test
    void aProbeStuckPastTheDeadlineCountsAsTimedOutAndTheNextCallerProbes() throws Exception {
        open(2, 100);
        proxy.refuse();
        proxy.killAll();
        assertEquals(Reason.CONNECTION_FAILED, unavailable("refused, fallback caller, first call",
                () -> db.call(GuardedDatabaseIT::selectOne, () -> true)));
        proxy.pass();
        // A probe whose worker never comes back (a container pool without any timeout would do this).
        CountDownLatch release = new CountDownLatch(1);
        SqlWork<Integer> stuck = c -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        };
        try {
            assertEquals(Reason.PROBING, assertThrows(DatabaseUnavailableException.class,
                    () -> db.call(stuck, () -> true)).reason());
            // Once it is past the deadline, the next fallback caller reports it as timed out and probes itself.
            assertTrue(eventually(Duration.ofSeconds(15), () -> {
                try {
                    return db.call(GuardedDatabaseIT::selectOne, () -> true) == 1;
                } catch (DatabaseUnavailableException e) {
                    assertEquals(Reason.PROBING, e.reason());
                    return false;
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            }), "the next caller probes once the stuck probe is past the deadline");
            assertFalse(breaker.suspect());
            assertEquals(Reason.TIMEOUT, db.snapshot().lastFailure().orElseThrow());
        } finally {
            release.countDown();
        }
    }

    /** A caller whose fallback cannot answer (a user the tier does not know) waits for the database as before. */
    @Test
    void aCallerWhoseFallbackCannotAnswerWaitsTheDeadline() throws Exception {
        open(4, 100);
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        proxy.blackhole();
        assertEquals(Reason.TIMEOUT, unavailable("blackhole, first call", GuardedDatabaseIT::selectOne));
        for (int i = 0; i < 2; i++) {
            assertEquals(Reason.TIMEOUT, unavailable("blackhole, fallback that cannot answer",
                    () -> db.call(GuardedDatabaseIT::selectOne, () -> false)));
        }
        recovers("blackhole, fallback that cannot answer");
    }

    private static boolean eventually(Duration within, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long giveUp = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Test
    void databaseDownAtStartupBehindABlackholeTimesOutAndRecovers() throws Exception {
        proxy.blackhole();
        open(4, 100);
        for (int i = 0; i < 3; i++) {
            Reason reason = unavailable("blackhole at startup (first getConnection)", GuardedDatabaseIT::selectOne);
            assertTrue(reason == Reason.TIMEOUT || reason == Reason.CONNECTION_FAILED, reason.name());
        }
        recovers("blackhole at startup");
    }

    @Test
    void slowQueryIsCancelledAsTimeoutAndTheConnectionStaysUsable() throws Exception {
        open(2, 5);
        assertEquals(Reason.TIMEOUT, unavailable("slow query (pg_sleep 5)", sleep(5)));
        // the statement was cancelled server-side (57014), so the connection is fine for the next call
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
    }

    @Test
    void slowNetworkWithinTheDeadlineStillAnswers() throws Exception {
        open(2, 5);
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        proxy.delay(Duration.ofMillis(100));
        long start = System.nanoTime();
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        latencies.record("delay 100 ms per chunk (answers)", Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void slowNetworkBeyondTheDeadlineTimesOut() throws Exception {
        open(2, 5);
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        proxy.delay(Duration.ofSeconds(2));
        assertEquals(Reason.TIMEOUT, unavailable("delay 2 s per chunk", GuardedDatabaseIT::selectOne));
        recovers("delay 2 s per chunk");
    }

    @Test
    void droppedMidQueryIsAConnectionFailureAndRecovers() throws Exception {
        open(2, 5, Duration.ofSeconds(10)); // the query below sleeps 5 s: ample time to cut it mid-way
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        CountDownLatch sending = new CountDownLatch(1);
        SqlWork<Integer> slowQuery = c -> {
            sending.countDown();
            return sleep(5).run(c);
        };
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<Reason> during = caller.submit(() -> unavailable("dropped mid-query", slowQuery));
            assertTrue(sending.await(10, TimeUnit.SECONDS));
            proxy.drop(); // also resets the connection if the query is not on the wire yet
            assertEquals(Reason.CONNECTION_FAILED, during.get(10, TimeUnit.SECONDS));
        } finally {
            caller.shutdownNow();
        }
        recovers("dropped mid-query");
    }

    @Test
    void terminatedBackendsAreReplacedWithoutAnError() throws Exception {
        open(4, 1);
        warm(4);
        assertTrue(db.snapshot().idle().orElseThrow() >= 2, db.snapshot().toString());
        assertTrue(TestDatabase.shared().terminateConnections(url) >= 2);
        long start = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            assertEquals(1, db.call(GuardedDatabaseIT::selectOne), "validation on borrow drops dead connections");
        }
        latencies.record("pg_terminate_backend of pooled connections (8 calls, all answer)",
                Duration.ofNanos(System.nanoTime() - start));
        assertEquals(Breaker.State.CLOSED, db.snapshot().breakerState());
    }

    /** Makes the pool open {@code n} connections at once. */
    private void warm(int n) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch together = new CountDownLatch(n);
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(callers.submit(() -> {
                    together.countDown();
                    together.await();
                    return db.call(sleep(0.2));
                }));
            }
            for (Future<Integer> call : calls) {
                assertEquals(1, call.get(10, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void moreCallersThanConnectionsAreRefusedOrTimedOutNeverQueuedForever() throws Exception {
        open(2, 100);
        Map<Reason, AtomicInteger> reasons = concurrentCalls(14, sleep(3), "busy pool (14 callers, maxTotal 2)");
        // 2 run into the query timeout, 8 wait maxWait in the queue, the other 4 are refused at once
        assertEquals(4, reasons.get(Reason.OVERLOADED).get(), reasons.toString());
        assertEquals(8, reasons.get(Reason.POOL_EXHAUSTED).get(), reasons.toString());
        assertEquals(2, reasons.get(Reason.TIMEOUT).get(), reasons.toString());
        assertEquals(Breaker.State.CLOSED, db.snapshot().breakerState(), "busy is not down");
        recovers("busy pool");
    }

    @Test
    void twoHundredCallersAgainstABlackholeAllReturn() throws Exception {
        open(10, 1000);
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        proxy.blackhole();
        Map<Reason, AtomicInteger> reasons = concurrentCalls(200, GuardedDatabaseIT::selectOne,
                "blackhole, 200 callers, maxTotal 10");
        int total = reasons.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(200, total);
        // 10 running, 40 queued, the rest refused at once
        assertTrue(reasons.get(Reason.OVERLOADED).get() >= 150, reasons.toString());
        // the callers are gone; the driver's timeouts free the workers while the network is still dead
        long start = System.nanoTime();
        while (db.busyWorkers() > 0) {
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "workers freed by driver timeouts");
            Thread.sleep(20);
        }
        latencies.record("blackhole, 200 callers: until every worker thread is free (network still dead)",
                Duration.ofNanos(System.nanoTime() - start));
        recovers("blackhole, 200 callers");
    }

    @Test
    void aBurstAgainstAHealthyDatabaseIsServedNotRefused() throws Exception {
        open(2, 5);
        warm(2);
        // As many as the queue holds (4 per connection): at the instant of a burst the workers may not have taken
        // any call off the queue yet, so only the queue's room is certain. Each waits for at most 4 queries of
        // 20 ms, well within maxWait.
        int callers = GuardedDatabase.QUEUED_PER_CONNECTION * 2;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch together = new CountDownLatch(callers);
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    together.countDown();
                    together.await();
                    return db.call(sleep(0.02));
                }));
            }
            for (Future<Integer> call : calls) {
                assertEquals(1, call.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void breakerRefusesAtOnceAfterTheThreshold() throws Exception {
        open(10, 5);
        proxy.blackhole();
        Map<Reason, AtomicInteger> reasons = concurrentCalls(20, GuardedDatabaseIT::selectOne,
                "blackhole, 20 callers, breaker threshold 5");
        assertEquals(20, reasons.values().stream().mapToInt(AtomicInteger::get).sum());
        // Refused at once: BREAKER_OPEN is decided before any call is made (the figure is in the latency report).
        for (int i = 0; i < 5; i++) {
            assertEquals(Reason.BREAKER_OPEN, unavailable("breaker open", GuardedDatabaseIT::selectOne));
        }
        assertEquals(Breaker.State.OPEN, db.snapshot().breakerState());
        recovers("blackhole, breaker open");
    }

    private Map<Reason, AtomicInteger> concurrentCalls(int callers, SqlWork<?> work, String fault) throws Exception {
        Map<Reason, AtomicInteger> reasons = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            reasons.put(r, new AtomicInteger());
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch together = new CountDownLatch(callers);
            List<Future<Reason>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    together.countDown();
                    together.await();
                    return unavailable(fault, work);
                }));
            }
            for (Future<Reason> call : calls) {
                reasons.get(call.get(BOUND.toMillis() * 2, TimeUnit.MILLISECONDS)).incrementAndGet();
            }
        } finally {
            pool.shutdownNow();
        }
        return reasons;
    }

    @Test
    void closeLeavesNoWorkerBlockedEvenMidCallOnADeadNetwork() throws Exception {
        open(4, 100);
        assertEquals(1, db.call(GuardedDatabaseIT::selectOne));
        proxy.blackhole();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Reason>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(callers.submit(() -> unavailable("blackhole, closed mid-call", sleep(0.1))));
            }
            assertTrue(eventually(Duration.ofSeconds(10), () -> db.busyWorkers() == 4), "4 calls stuck mid-call");
            long start = System.nanoTime();
            db.close();
            latencies.record("close() with 4 calls stuck on a blackhole", Duration.ofNanos(System.nanoTime() - start));
            assertEquals(Set.of(), threadsGoneWithin(poolName, Duration.ofSeconds(2)));
            for (Future<Reason> call : calls) {
                Reason reason = call.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                assertTrue(reason == Reason.TIMEOUT || reason == Reason.NOT_CONFIGURED, reason.name());
            }
        } finally {
            callers.shutdownNow();
        }
        DatabaseUnavailableException closed = assertThrows(DatabaseUnavailableException.class,
                () -> db.call(GuardedDatabaseIT::selectOne));
        assertEquals(Reason.NOT_CONFIGURED, closed.reason());
    }

    @Test
    void dbcpWaitTimeoutIsClassifiedAsPoolExhausted() throws Exception {
        // GuardedDatabase never has more workers than connections, so this needs DBCP alone: one held connection
        PoolSettings settings = new PoolSettings("exhaust", url, null, null, 1, MAX_WAIT, QUERY_TIMEOUT);
        BasicDataSource pool = Pools.dbcp(settings);
        try (Connection held = pool.getConnection()) {
            assertEquals(1, selectOne(held));
            long start = System.nanoTime();
            SQLException waited = assertThrows(SQLException.class, pool::getConnection);
            latencies.record("DBCP maxWait " + MAX_WAIT + " (pool exhausted)", Duration.ofNanos(System.nanoTime() - start));
            assertEquals(Reason.POOL_EXHAUSTED, FailureClassifier.unavailability(waited).orElseThrow());
        } finally {
            pool.close();
        }
    }
}
