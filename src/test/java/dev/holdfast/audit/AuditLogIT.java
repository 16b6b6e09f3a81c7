package dev.holdfast.audit;

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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit trail through a real outage: no login waits for it, and every row is there afterwards. */
class AuditLogIT {
    private static final Logger log = LoggerFactory.getLogger(AuditLogIT.class);
    private static final Instant AT = Instant.parse("2026-11-26T21:00:00Z");
    private static String url;

    @TempDir
    Path spoolDirectory;
    private FaultProxy proxy;
    private GuardedDatabase database;
    private Spool spool;
    private AuditLog audit;

    @BeforeAll
    static void createDatabase() {
        url = TestDatabase.shared().createDatabaseWithSchema("audit");
    }

    @BeforeEach
    void start() throws Exception {
        TestDatabase.shared().execute(url, "TRUNCATE holdfast_audit, holdfast_applied_writes RESTART IDENTITY");
        proxy = FaultProxy.inFrontOf(TestDatabase.shared());
        Clock clock = Clock.systemUTC();
        database = GuardedDatabase.open(new PoolSettings("audit", proxy.wrap(url), null, null, 2,
                Duration.ofMillis(500), Duration.ofSeconds(1)), new Breaker("audit", 3, Duration.ofMillis(200), clock), clock);
        spool = Spool.open("audit", Journal.open(spoolDirectory, 16L * 1024 * 1024, 256 * 1024, clock, TestSecrets.journalKey()), database,
                Duration.ofMillis(50), Duration.ofMillis(400));
        audit = new AuditLog("holdfast_audit", spool);
    }

    @AfterEach
    void stop() throws Exception {
        spool.close();
        database.close();
        proxy.close();
    }

    private static List<String> rows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT at, username, outcome, tier, client_ip FROM holdfast_audit ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getObject(1, java.time.OffsetDateTime.class).toInstant() + "|" + rs.getString(2) + "|"
                        + rs.getString(3) + "|" + rs.getString(4) + "|" + rs.getString(5));
            }
        }
        return rows;
    }

    private void drained() throws InterruptedException {
        spool.replayNow();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (spool.depth() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("audit spool not drained: " + spool.snapshot());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void writesRowsWhileTheDatabaseAnswers() throws Exception {
        audit.record(AuditEvent.of(AT, "alice", "success", "database", "10.0.0.1"));
        audit.record(AuditEvent.of(AT.plusSeconds(1), null, "invalid_request", null, null));
        drained();
        assertEquals(List.of("2026-11-26T21:00:00Z|alice|success|database|10.0.0.1",
                "2026-11-26T21:00:01Z|null|invalid_request|null|null"), rows());
    }

    @Test
    void everyRowIsPresentAfterAnOutageAndNoRecordWaitedForTheDatabase() throws Exception {
        audit.record(AuditEvent.of(AT, "before", "success", "database", "10.0.0.1"));
        drained();
        proxy.blackhole();
        long worstNanos = 0;
        for (int i = 0; i < 200; i++) {
            long started = System.nanoTime();
            audit.record(AuditEvent.of(AT.plusSeconds(i), "user " + i + "\nforged=1", "success", "cache", "10.0.0.2"));
            worstNanos = Math.max(worstNanos, System.nanoTime() - started);
        }
        // Waiting on the blackholed database would take its whole deadline (1.5 s); an fsync spike on a busy
        // machine can take a hundred milliseconds or so.
        assertTrue(worstNanos < Duration.ofMillis(500).toNanos(), "worst record() " + worstNanos / 1_000_000 + " ms");
        assertEquals(1, rows().size());

        proxy.refuse();
        proxy.killAll();
        audit.record(AuditEvent.of(AT.plusSeconds(500), "during-refuse", "unavailable", null, "10.0.0.3"));
        proxy.pass();
        drained();
        List<String> rows = rows();
        assertEquals(202, rows.size());
        assertEquals("2026-11-26T21:00:00Z|before|success|database|10.0.0.1", rows.get(0));
        for (int i = 0; i < 200; i++) {
            assertEquals(AT.plusSeconds(i) + "|user " + i + "\nforged=1|success|cache|10.0.0.2", rows.get(i + 1));
        }
        assertEquals("2026-11-26T21:08:20Z|during-refuse|unavailable|null|10.0.0.3", rows.get(201));
        assertEquals(0, audit.unrecordedCount());
        log.info("audit: worst record() while the database was blackholed: {} ms", worstNanos / 1e6);
    }

    @Test
    void refusesATableNameThatIsNotAPlainIdentifier() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AuditLog("audit; DROP TABLE users", spool));
        assertEquals("[audit; DROP TABLE users] is not a plain SQL table name; use letters, digits and _ (at most 63),"
                + " optionally schema.table", e.getMessage());
    }

    @Test
    void countsEventsTheSpoolCannotTake() throws Exception {
        try (Spool tiny = Spool.open("tiny", Journal.open(spoolDirectory.resolve("tiny"), 300, 300, Clock.systemUTC(), TestSecrets.journalKey()),
                database, Duration.ofSeconds(30), Duration.ofSeconds(30))) {
            proxy.refuse();
            proxy.killAll();
            AuditLog small = new AuditLog("holdfast_audit", tiny);
            for (int i = 0; i < 5; i++) {
                small.record(AuditEvent.of(AT, "u" + i, "success", "cache", null));
            }
            assertTrue(small.unrecordedCount() >= 3, "unrecorded " + small.unrecordedCount());
            assertEquals(5, tiny.depth() + small.unrecordedCount());
        }
    }
}
