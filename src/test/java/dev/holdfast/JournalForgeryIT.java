package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSettings;
import dev.holdfast.spool.Journal;
import dev.holdfast.spool.Spool;
import dev.holdfast.spool.SpooledStatement;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security review's attack on the journal, reproduced against a real PostgreSQL: a note spooled during an
 * outage, its record rewritten on disk (same length, CRC recomputed) into {@code UPDATE users SET roles =
 * 'user,admin' WHERE username = 'bob'}, the database back. It must not run: the record fails its MAC, goes to
 * the dead letters, and health counts it.
 */
class JournalForgeryIT {
    private static final int PAYLOAD_OFFSET = 85;

    @TempDir
    Path spoolDirectory;

    private static String roles(String url, String username) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT roles FROM users WHERE username = '" + username + "'")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private Spool openSpool(GuardedDatabase database, Clock clock) throws Exception {
        return Spool.open("writes", Journal.open(spoolDirectory, 1 << 20, 1 << 16, clock, TestSecrets.journalKey()),
                database, Duration.ofMillis(50), Duration.ofMillis(200));
    }

    @Test
    void aRecordRewrittenWithTheSameLengthAndARecomputedCrcIsNeverReplayed() throws Exception {
        String url = TestDatabase.shared().createDatabaseWithSchema("forgery");
        TestDatabase.shared().execute(url, "CREATE TABLE notes (key text PRIMARY KEY, body text)");
        TestDatabase.shared().insertUser(url, "bob", "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
                "user", true);
        Clock clock = Clock.systemUTC();
        String body = "x".repeat(200);
        try (FaultProxy proxy = FaultProxy.inFrontOf(TestDatabase.shared());
             GuardedDatabase database = GuardedDatabase.open(new PoolSettings("forgery", proxy.wrap(url), null, null,
                     2, Duration.ofMillis(300), Duration.ofSeconds(1)), new Breaker("forgery", 1, Duration.ofSeconds(30), clock),
                     clock)) {
            proxy.refuse();
            try (Spool spool = openSpool(database, clock)) {
                WriteResult written = new JournaledWrites(database, spool).execute(
                        "INSERT INTO notes (key, body) VALUES (?, ?)", "n1", body);
                assertEquals(WriteResult.Status.SPOOLED, written.status());
            }

            // The attacker can write the spool directory but does not hold the key.
            Path segment = spoolDirectory.resolve("segment-00000000000000000001.log");
            byte[] record = Files.readAllBytes(segment);
            int payloadLength = record.length - PAYLOAD_OFFSET;
            String update = "UPDATE users SET roles = 'user,admin' WHERE username = 'bob'";
            byte[] forged = SpooledStatement.of(update + " ".repeat(payloadLength - SpooledStatement.of(update).encode().length))
                    .encode();
            assertEquals(payloadLength, forged.length, "same length");
            System.arraycopy(forged, 0, record, PAYLOAD_OFFSET, forged.length);
            CRC32C crc = new CRC32C();
            crc.update(record, 4, 5);
            crc.update(record, 13, record.length - 13);
            ByteBuffer.wrap(record).putInt(9, (int) crc.getValue());
            Files.write(segment, record);

        }
        try (GuardedDatabase database = GuardedDatabase.open(new PoolSettings("forgery-back", url, null, null, 2,
                Duration.ofMillis(500), Duration.ofSeconds(2)), Breaker.withDefaults("forgery-back", clock), clock);
             Spool spool = openSpool(database, clock)) {
            // Not asserted on depth here: the spool's replayer starts at open and may have judged the record already.
            // That the record framed correctly (the CRC is not what stops it) shows below: a record failing its CRC
            // is cut as a torn tail and never reaches the dead letters; this one is rejected for its MAC.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (spool.depth() > 0 && System.nanoTime() < deadline) {
                spool.replayNow();
                Thread.sleep(20);
            }
            assertEquals(0, spool.depth());
            assertEquals("user", roles(url, "bob"), "the forged UPDATE never ran");
            assertEquals(1, spool.deadLetterCount());
            assertEquals(1, spool.snapshot().rejected(), "rejected for authentication, not cut as a torn tail");
            assertEquals(0, spool.snapshot().replayed());
            assertTrue(spool.snapshot().toJson().contains("\"rejected\":1"), spool.snapshot().toJson());
        }
        String deadLetters = Files.readString(spoolDirectory.resolve("dead-letters.jsonl"));
        assertTrue(deadLetters.contains("\"cause\":\"authentication\""), deadLetters);
        assertTrue(deadLetters.contains("\"message\":\"record its MAC does not check\""), deadLetters);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM notes")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "neither the note (its record was replaced) nor anything else");
        }
    }
}
