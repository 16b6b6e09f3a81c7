package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolCommandIT {
    @TempDir
    Path dir;

    @Test
    void replaysPendingStatementsOnceDeadLettersRefusedOnesAndStopsWhenTheDatabaseIsGone() throws Exception {
        String url = TestDatabase.shared().createDatabaseWithSchema("spoolcommand");
        TestDatabase.shared().execute(url, "CREATE TABLE notes (key text PRIMARY KEY, body text)");
        UUID alreadyApplied = UUID.randomUUID();
        TestDatabase.shared().execute(url, "INSERT INTO holdfast_applied_writes (id) VALUES ('" + alreadyApplied + "')");
        try (Journal journal = Journal.open(dir, 1 << 20, TestSecrets.journalKey())) {
            journal.append(SpooledStatement.of("INSERT INTO notes (key, body) VALUES (?, ?)", "a", "1").encode());
            journal.append(alreadyApplied, SpooledStatement.of("INSERT INTO notes (key, body) VALUES (?, ?)", "b", "2").encode());
            journal.append(SpooledStatement.of("INSERT INTO notes (key, body) VALUES (?, ?)", "a", "dup").encode());
            journal.append(SpooledStatement.of("INSERT INTO notes (key, body) VALUES (?, ?)", "c", "3").encode());
        }
        Path keyFile = Files.createTempFile("spool", ".key");
        Files.writeString(keyFile, TestSecrets.journalSecretSetting());
        try (FaultProxy proxy = FaultProxy.inFrontOf(TestDatabase.shared())) {
            proxy.drop(); // keeps the port: a refused port could be taken by another test's listener meanwhile
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = new SpoolCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {"replay", dir.toString(),
                        "--key-file", keyFile.toString(), "--db-url", proxy.wrap(url)});
            assertEquals(2, status);
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("holdfast: cannot connect to the database (SQLState 08"),
                    err.toString(StandardCharsets.UTF_8));
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new SpoolCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(new String[] {"replay", dir.toString(), "--key-file", keyFile.toString(), "--db-url", url});
        assertEquals(0, status);
        assertEquals("applied 2, already applied 1, dead-lettered 1\n", out.toString(StandardCharsets.UTF_8));
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(key || '=' || body, ',' ORDER BY key) FROM notes")) {
            rs.next();
            assertEquals("a=1,c=3", rs.getString(1));
        }
        try (Journal journal = Journal.open(dir, 1 << 20, TestSecrets.journalKey())) {
            assertEquals(0, journal.depth());
            assertEquals(1, journal.deadLetterCount());
        }
    }
}
