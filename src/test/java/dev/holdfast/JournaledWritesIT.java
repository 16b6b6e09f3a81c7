package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSettings;
import dev.holdfast.spool.Journal;
import dev.holdfast.spool.Spool;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Critical writes against a real PostgreSQL behind a real TCP fault proxy. */
class JournaledWritesIT {
    private static final Logger log = LoggerFactory.getLogger(JournaledWritesIT.class);
    private static final Duration MAX_WAIT = Duration.ofMillis(500);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    private static String url;

    @TempDir
    Path spoolDirectory;
    private FaultProxy proxy;
    private GuardedDatabase database;
    private Spool spool;
    private JournaledWrites writes;

    @BeforeAll
    static void createDatabase() {
        url = TestDatabase.shared().createDatabaseWithSchema("writes");
        TestDatabase.shared().execute(url, String.join("\n",
                "CREATE TABLE ordered (seq bigserial PRIMARY KEY, n integer NOT NULL);",
                "CREATE TABLE notes (key text PRIMARY KEY, body text);",
                // Makes one chosen commit take a second on the server, so the connection can be cut mid-commit.
                "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$",
                "BEGIN IF NEW.body = 'slow-commit' THEN PERFORM pg_sleep(1); END IF; RETURN NULL; END $$;",
                "CREATE CONSTRAINT TRIGGER notes_slow_commit AFTER INSERT ON notes DEFERRABLE INITIALLY DEFERRED",
                "  FOR EACH ROW EXECUTE FUNCTION slow_commit();"));
    }

    @BeforeEach
    void start() throws Exception {
        TestDatabase.shared().execute(url, "TRUNCATE ordered, notes, holdfast_applied_writes RESTART IDENTITY");
        proxy = FaultProxy.inFrontOf(TestDatabase.shared());
        Clock clock = Clock.systemUTC();
        database = GuardedDatabase.open(new PoolSettings("writes", proxy.wrap(url), null, null, 4, MAX_WAIT,
                QUERY_TIMEOUT), new Breaker("writes", 3, Duration.ofMillis(200), clock), clock);
        spool = Spool.open("writes", Journal.open(spoolDirectory, 64L * 1024 * 1024, 1024 * 1024, clock, TestSecrets.journalKey()), database,
                Duration.ofMillis(50), Duration.ofMillis(400));
        writes = new JournaledWrites(database, spool);
    }

    @AfterEach
    void stop() throws Exception {
        spool.close();
        database.close();
        proxy.close();
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Integer> orderedValues() throws SQLException {
        List<Integer> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n FROM ordered ORDER BY seq")) {
            while (rs.next()) {
                values.add(rs.getInt(1));
            }
        }
        return values;
    }

    private static void eventually(Duration within, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + within + " waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private void drained(Duration within) throws InterruptedException {
        spool.replayNow();
        eventually(within, () -> spool.depth() == 0, "spool drained (depth " + spool.depth() + ")");
    }

    @Test
    void appliesDirectlyWhileTheDatabaseAnswers() throws Exception {
        WriteResult written = writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "a", "hello");
        assertEquals(WriteResult.Status.APPLIED, written.status());
        assertEquals(1, written.updateCount().getAsInt());
        assertEquals(1, count("SELECT count(*) FROM notes WHERE key = 'a'"));
        assertEquals(1, count("SELECT count(*) FROM holdfast_applied_writes WHERE id = '" + written.id() + "'"));
        assertEquals(0, spool.depth());
    }

    @Test
    void throwsTheDatabasesAnswerInsteadOfSpoolingIt() throws Exception {
        writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "dup", "first");
        SQLException e = assertThrows(SQLException.class,
                () -> writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "dup", "second"));
        assertEquals("23505", e.getSQLState());
        assertEquals(0, spool.depth());
        assertEquals(1, count("SELECT count(*) FROM holdfast_applied_writes"), "the failed write's id rolled back too");
    }

    @Test
    void spoolsWhileRefusedAndReplaysWhenBack() throws Exception {
        proxy.refuse();
        proxy.killAll();
        long started = System.nanoTime();
        WriteResult first = writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "r1", "during outage");
        WriteResult second = writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "r2", "during outage");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(WriteResult.Status.SPOOLED, first.status());
        assertEquals(WriteResult.Status.SPOOLED, second.status());
        assertTrue(first.updateCount().isEmpty());
        assertTrue(tookMs < MAX_WAIT.plus(QUERY_TIMEOUT).toMillis() + 500, "took " + tookMs + " ms");
        assertEquals(0, count("SELECT count(*) FROM notes"));

        proxy.pass();
        drained(Duration.ofSeconds(20));
        assertEquals(2, count("SELECT count(*) FROM notes"));
        assertEquals(1, count("SELECT count(*) FROM holdfast_applied_writes WHERE id = '" + first.id() + "'"));
        log.info("refused: two writes spooled in {} ms", tookMs);
    }

    @Test
    void spoolsWithinTheDeadlineWhileBlackholed() throws Exception {
        writes.execute("INSERT INTO ordered (n) VALUES (?)", 0); // a pooled connection exists
        proxy.blackhole();
        long started = System.nanoTime();
        WriteResult written = writes.execute("INSERT INTO ordered (n) VALUES (?)", 1);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(WriteResult.Status.SPOOLED, written.status());
        // a hang guard, not a speed test: the deadline plus room for a loaded machine
        assertTrue(tookMs < MAX_WAIT.plus(QUERY_TIMEOUT).toMillis() + 3000, "took " + tookMs + " ms");
        // Anything later is spooled behind it at once, whatever the breaker says: waiting for the database again
        // would take the whole deadline.
        long second = System.nanoTime();
        assertEquals(WriteResult.Status.SPOOLED, writes.execute("INSERT INTO ordered (n) VALUES (?)", 2).status());
        long secondMs = (System.nanoTime() - second) / 1_000_000;
        assertTrue(secondMs < MAX_WAIT.plus(QUERY_TIMEOUT).toMillis(), "waited for the database again: " + secondMs + " ms");

        proxy.pass();
        drained(Duration.ofSeconds(30));
        assertEquals(List.of(0, 1, 2), orderedValues());
        log.info("blackholed: first write spooled after {} ms", tookMs);
    }

    @Test
    void aCommitLostInFlightIsNotAppliedTwice() throws Exception {
        writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "warm", "x");
        CompletableFuture<WriteResult> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "lost", "slow-commit");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The server is now in the deferred trigger, i.e. inside COMMIT. Cut the connection there.
        eventually(Duration.ofSeconds(5), () -> {
            try {
                return count("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COMMIT%' AND state = 'active'") > 0;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "the COMMIT in progress");
        proxy.drop();
        WriteResult written = slow.get(10, TimeUnit.SECONDS);
        assertEquals(WriteResult.Status.SPOOLED, written.status(), "the writer could not know whether the commit happened");
        eventually(Duration.ofSeconds(5), () -> {
            try {
                return count("SELECT count(*) FROM notes WHERE key = 'lost'") == 1;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "the server to finish the commit whose reply was lost");

        proxy.pass();
        drained(Duration.ofSeconds(20));
        assertEquals(1, count("SELECT count(*) FROM notes WHERE key = 'lost'"));
        assertEquals(0, spool.deadLetterCount(), "replay saw the id and did not try the insert again");
        assertEquals(1, count("SELECT count(*) FROM holdfast_applied_writes WHERE id = '" + written.id() + "'"));
    }

    @Test
    void tenThousandWritesSpooledAndReplayedNoneLostNoneDuplicatedInOrder() throws Exception {
        int n = 10_000;
        proxy.refuse();
        proxy.killAll();
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            assertEquals(WriteResult.Status.SPOOLED, writes.execute("INSERT INTO ordered (n) VALUES (?)", i).status());
        }
        double spoolSeconds = (System.nanoTime() - started) / 1e9;
        assertEquals(n, spool.depth());

        long replayStarted = System.nanoTime();
        proxy.pass();
        spool.replayNow();
        // A drop in the middle of replay: whatever was in flight is retried, exactly once.
        eventually(Duration.ofSeconds(60), () -> spool.depth() < n / 2, "half replayed");
        proxy.drop();
        Thread.sleep(200);
        proxy.pass();
        drained(Duration.ofSeconds(120));
        double replaySeconds = (System.nanoTime() - replayStarted) / 1e9;

        List<Integer> values = orderedValues();
        assertEquals(n, values.size(), "none lost, none duplicated");
        for (int i = 0; i < n; i++) {
            assertEquals(i, values.get(i), "order at " + i);
        }
        assertEquals(n, count("SELECT count(*) FROM holdfast_applied_writes"));
        assertEquals(0, spool.deadLetterCount());
        // New writes after the drain go directly again (timed: the cost a login would pay to write audit inline).
        long[] direct = new long[500];
        for (int i = 0; i < direct.length; i++) {
            long t = System.nanoTime();
            assertEquals(WriteResult.Status.APPLIED, writes.execute("INSERT INTO ordered (n) VALUES (?)", n + i).status());
            direct[i] = System.nanoTime() - t;
        }
        java.util.Arrays.sort(direct);
        log.info("10000 writes: spooled in {} s ({} per s), replayed in {} s ({} per s) with one drop;"
                        + " direct write p50 {} ms, p99 {} ms",
                String.format("%.2f", spoolSeconds), Math.round(n / spoolSeconds),
                String.format("%.2f", replaySeconds), Math.round(n / replaySeconds),
                String.format("%.2f", direct[250] / 1e6), String.format("%.2f", direct[495] / 1e6));
    }

    @Test
    void aPoisonWriteIsDeadLetteredWhileTheRestReplay() throws Exception {
        writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "taken", "before");
        proxy.refuse();
        proxy.killAll();
        UUID poison = null;
        for (int i = 0; i < 5; i++) {
            assertEquals(WriteResult.Status.SPOOLED, writes.execute("INSERT INTO ordered (n) VALUES (?)", i).status());
            if (i == 2) {
                poison = writes.execute("INSERT INTO notes (key, body) VALUES (?, ?)", "taken", "again").id();
            }
        }
        proxy.pass();
        drained(Duration.ofSeconds(20));
        assertEquals(List.of(0, 1, 2, 3, 4), orderedValues());
        assertEquals(1, spool.deadLetterCount());
        String deadLetters = Files.readString(spoolDirectory.resolve("dead-letters.jsonl"));
        assertTrue(deadLetters.contains("\"id\":\"" + poison + "\""), deadLetters);
        assertTrue(deadLetters.contains("\"sqlState\":\"23505\""), deadLetters);
        assertEquals(1, count("SELECT count(*) FROM notes"));
    }
}
