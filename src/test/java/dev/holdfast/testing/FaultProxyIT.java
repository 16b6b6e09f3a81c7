package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyIT {
    private static String url;
    private FaultProxy proxy;

    @BeforeAll
    static void createDatabase() {
        url = TestDatabase.shared().createDatabaseWithSchema("faultproxy");
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = FaultProxy.inFrontOf(TestDatabase.shared());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private Connection connect() throws SQLException {
        Properties timeouts = new Properties();
        timeouts.setProperty("connectTimeout", "2");
        timeouts.setProperty("loginTimeout", "2");
        timeouts.setProperty("socketTimeout", "2");
        return DriverManager.getConnection(proxy.wrap(url), timeouts);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void passForwardsQueries() throws Exception {
        try (Connection c = connect()) {
            assertEquals(1, selectOne(c));
        }
        assertEquals(1, proxy.acceptedConnections());
    }

    @Test
    void refuseMakesConnectsFailAtOnceAndPassListensOnTheSamePortAgain() throws Exception {
        proxy.refuse();
        SQLException refused = assertThrows(SQLException.class, this::connect);
        assertEquals("08001", refused.getSQLState());
        assertTrue(causedBy(refused, java.net.ConnectException.class), "refused, not timed out");
        // The port stays taken while refusing: nothing else (another test's server, an outgoing connection's
        // ephemeral port) can take it before the proxy listens there again.
        try (java.net.ServerSocket other = new java.net.ServerSocket()) {
            other.setReuseAddress(false);
            assertThrows(java.net.BindException.class, () -> other.bind(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), proxy.port())));
        }
        proxy.pass();
        try (Connection c = connect()) {
            assertEquals(1, selectOne(c));
        }
    }

    @Test
    void blackholeLeavesNewConnectsUnansweredUntilTheClientTimesOut() throws Exception {
        proxy.blackhole();
        long start = System.nanoTime();
        SQLException timedOut = assertThrows(SQLException.class, this::connect);
        Duration took = elapsed(start);
        assertTrue(took.compareTo(Duration.ofMillis(1900)) > 0, "waited for the login timeout: " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "bounded by the login timeout: " + took);
        assertTrue(timedOut.getSQLState().startsWith("08"), timedOut.getSQLState());
        proxy.pass();
        try (Connection c = connect()) {
            assertEquals(1, selectOne(c));
        }
    }

    @Test
    void blackholeFreezesExistingConnections() throws Exception {
        try (Connection c = connect()) {
            assertEquals(1, selectOne(c));
            proxy.blackhole();
            long start = System.nanoTime();
            SQLException frozen = assertThrows(SQLException.class, () -> selectOne(c));
            assertTrue(elapsed(start).compareTo(Duration.ofMillis(1900)) > 0, "ended by socketTimeout");
            assertEquals("08006", frozen.getSQLState());
        }
    }

    @Test
    void dropResetsConnectionsMidQuery() throws Exception {
        Properties noReadTimeout = new Properties();
        noReadTimeout.setProperty("socketTimeout", "0"); // only the reset can end the query below
        try (Connection c = DriverManager.getConnection(proxy.wrap(url), noReadTimeout); Statement s = c.createStatement()) {
            s.setQueryTimeout(0);
            CompletableFuture<Object> sleeping = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.execute("SELECT pg_sleep(60)");
                } catch (SQLException e) {
                    return e;
                }
            });
            // the query is running in PostgreSQL: it is on the wire
            waitUntil(() -> sleepingQueries() == 1);
            proxy.drop();
            Object outcome = sleeping.get(30, TimeUnit.SECONDS);
            assertTrue(outcome instanceof SQLException, "query failed: " + outcome);
            assertEquals("08006", ((SQLException) outcome).getSQLState());
            assertTrue(causedBy((SQLException) outcome, java.net.SocketException.class), "a reset ended it");
        }
        SQLException reset = assertThrows(SQLException.class, this::connect);
        assertTrue(reset.getSQLState().startsWith("08"), reset.getSQLState());
        proxy.pass();
        try (Connection c = connect()) {
            assertEquals(1, selectOne(c));
        }
    }

    @Test
    void killAllResetsLiveConnectionsAndKeepsTheMode() throws Exception {
        try (Connection c = connect()) {
            assertEquals(1, selectOne(c));
            proxy.killAll();
            SQLException reset = assertThrows(SQLException.class, () -> selectOne(c));
            assertEquals("08006", reset.getSQLState());
        }
        try (Connection c = connect()) {
            assertEquals(1, selectOne(c));
        }
    }

    @Test
    void delaySlowsEveryChunk() throws Exception {
        try (Connection c = connect()) {
            proxy.delay(Duration.ofMillis(300));
            long start = System.nanoTime();
            assertEquals(1, selectOne(c));
            assertTrue(elapsed(start).compareTo(Duration.ofMillis(290)) > 0, "delayed");
        }
    }

    @Test
    void closeEndsEveryProxyThread() throws Exception {
        Connection c = connect();
        selectOne(c);
        proxy.blackhole();
        Connection pending = null;
        CompletableFuture<Connection> connecting = CompletableFuture.supplyAsync(() -> {
            try {
                return connect();
            } catch (SQLException e) {
                return null;
            }
        });
        waitUntil(() -> proxy.acceptedConnections() == 2);
        proxy.close();
        pending = connecting.get(5, TimeUnit.SECONDS);
        assertEquals(null, pending, "the pending connect failed");
        assertThrows(SQLException.class, () -> selectOne(c), "the live connection was reset");
        long proxyThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("fault-proxy-" + proxy.port() + "-"))
                .count();
        assertEquals(0, proxyThreads);
    }

    /** Whether {@code failure}'s cause chain holds a {@code type} (and, for a socket failure, not a read timeout). */
    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        boolean found = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return false;
            }
            found |= type.isInstance(t);
        }
        return found;
    }

    /** The server's sessions of this test's database running the pg_sleep above. */
    private static int sleepingQueries() {
        try (Connection direct = DriverManager.getConnection(url); Statement s = direct.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     + " AND state = 'active' AND query = 'SELECT pg_sleep(60)'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
