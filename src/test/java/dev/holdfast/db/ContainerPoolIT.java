package dev.holdfast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.db.DatabaseUnavailableException.Reason;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.Latencies;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.testing.TestDatabase;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The db.jndi path: a container's pool whose driver timeouts Holdfast cannot set. Here a DBCP pool with every
 * default (no socket, login or validation timeout), as a Tomcat context.xml pool is out of the box.
 */
class ContainerPoolIT {
    private static final Duration MAX_WAIT = Duration.ofMillis(500);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration BOUND = MAX_WAIT.plus(QUERY_TIMEOUT).multipliedBy(3);
    private static final Latencies latencies = new Latencies("ContainerPoolIT");
    private static String url;

    private final MutableClock clock = new MutableClock();
    private FaultProxy proxy;
    private BasicDataSource container;
    private GuardedDatabase db;

    @BeforeAll
    static void createDatabase() {
        url = TestDatabase.shared().createDatabase("container");
    }

    @AfterAll
    static void report() {
        latencies.report();
    }

    @BeforeEach
    void open() throws Exception {
        proxy = FaultProxy.inFrontOf(TestDatabase.shared());
        container = new BasicDataSource();
        container.setUrl(proxy.wrap(url));
        container.setMaxTotal(8);
        db = GuardedDatabase.overDataSource("container", container, 4, MAX_WAIT, QUERY_TIMEOUT,
                new Breaker("container", 100, Duration.ofSeconds(5), clock), clock);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
        proxy.close(); // resets the sockets the naive pool would otherwise wait on forever
        container.close();
    }

    private static int networkTimeoutDuringCall(java.sql.Connection c) throws java.sql.SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
        return c.getNetworkTimeout();
    }

    @Test
    void setsANetworkTimeoutWhileACallUsesTheConnectionAndRestoresIt() throws Exception {
        assertEquals(3000, db.call(ContainerPoolIT::networkTimeoutDuringCall), "queryTimeout + 2 s");
        try (java.sql.Connection c = container.getConnection()) {
            assertEquals(0, c.getNetworkTimeout(), "the container's setting is back");
        }
        assertEquals(OptionalInt.empty(), db.snapshot().idle(), "a container pool does not say");
    }

    @Test
    void aBlackholeBehindANaivePoolStillReturnsWithinTheDeadline() throws Exception {
        assertEquals(3000, db.call(ContainerPoolIT::networkTimeoutDuringCall));
        proxy.blackhole();
        int callers = 30;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch together = new CountDownLatch(callers);
            List<Future<Reason>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    together.countDown();
                    together.await();
                    long start = System.nanoTime();
                    DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                            () -> db.call(ContainerPoolIT::networkTimeoutDuringCall));
                    Duration took = latencies.record("container pool, blackhole, 30 callers",
                            Duration.ofNanos(System.nanoTime() - start));
                    assertTrue(took.compareTo(BOUND) < 0, took.toString());
                    return e.reason();
                }));
            }
            for (Future<Reason> call : calls) {
                Reason reason = call.get(BOUND.toMillis() * 2, TimeUnit.MILLISECONDS);
                assertTrue(reason == Reason.TIMEOUT || reason == Reason.POOL_EXHAUSTED
                        || reason == Reason.OVERLOADED, reason.name());
            }
        } finally {
            pool.shutdownNow();
        }
        // the workers are stuck inside the naive pool (isValid(0), connects without timeout): a further call
        // waits maxWait for a worker at most, and never adds a blocked thread
        long start = System.nanoTime();
        DatabaseUnavailableException refused = assertThrows(DatabaseUnavailableException.class,
                () -> db.call(ContainerPoolIT::networkTimeoutDuringCall));
        latencies.record("container pool, blackhole, workers stuck: next call",
                Duration.ofNanos(System.nanoTime() - start));
        assertTrue(refused.reason() == Reason.POOL_EXHAUSTED || refused.reason() == Reason.OVERLOADED,
                refused.reason().name());
        assertTrue(db.snapshot().waiting() <= 4, "only the stuck workers, no queued call: " + db.snapshot());
    }
}
