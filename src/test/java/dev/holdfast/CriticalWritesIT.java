package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSettings;
import dev.holdfast.spool.Journal;
import dev.holdfast.spool.JournalFullException;
import dev.holdfast.spool.Spool;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API over a real database: APPLIED, SPOOLED, and "nothing was saved" when the journal is full too. */
class CriticalWritesIT {
    @TempDir
    Path dir;

    @Test
    void appliesSpoolsAndFinallyRefusesWhenNeitherDatabaseNorJournalCanTakeTheWrite() throws Exception {
        String url = TestDatabase.shared().createDatabaseWithSchema("criticalwrites");
        TestDatabase.shared().execute(url, "CREATE TABLE notes (id uuid PRIMARY KEY, body text, at timestamptz)");
        Clock clock = Clock.systemUTC();
        String insert = "INSERT INTO notes (id, body, at) VALUES (?, ?, ?)";
        try (FaultProxy proxy = FaultProxy.inFrontOf(TestDatabase.shared());
             GuardedDatabase database = GuardedDatabase.open(new PoolSettings("notes", proxy.wrap(url), null, null, 2,
                     Duration.ofMillis(500), Duration.ofSeconds(1)), new Breaker("notes", 3, Duration.ofSeconds(30), clock),
                     clock);
             Spool spool = Spool.open("notes", Journal.open(dir, 400, 400, clock, TestSecrets.journalKey()), database, Duration.ofSeconds(30),
                     Duration.ofSeconds(30))) {
            CriticalWrites writes = new CriticalWrites(new JournaledWrites(database, spool));

            WriteResult applied = writes.execute(insert, java.util.UUID.randomUUID(), "now", Instant.now());
            assertEquals(WriteResult.Status.APPLIED, applied.status());
            assertEquals(1, applied.updateCount().getAsInt());

            IllegalArgumentException badType = assertThrows(IllegalArgumentException.class,
                    () -> writes.execute(insert, java.util.UUID.randomUUID(), "x", new Date()));
            assertTrue(badType.getMessage().startsWith("parameter 3 is a java.util.Date;"), badType.getMessage());

            proxy.refuse();
            proxy.killAll();
            WriteResult spooled = writes.execute(insert, java.util.UUID.randomUUID(), "later", Instant.now());
            assertEquals(WriteResult.Status.SPOOLED, spooled.status());
            assertTrue(spooled.updateCount().isEmpty());
            assertEquals(1, writes.pending());

            WritesUnavailableException full = null;
            for (int i = 0; i < 10 && full == null; i++) {
                try {
                    writes.execute(insert, java.util.UUID.randomUUID(), "more", Instant.now());
                } catch (WritesUnavailableException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "the 400-byte journal filled up");
            assertTrue(full.getMessage().startsWith("holdfast: database unavailable and journal " + dir + " is full:"),
                    full.getMessage());
            assertTrue(full.getCause() instanceof JournalFullException);
        }
    }
}
