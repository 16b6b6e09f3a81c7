package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolCommandTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T21:00:00Z"), ZoneOffset.UTC);
    private static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** The command with the spool key file after the directory, as an operator runs it. */
    private int run(String... args) throws IOException {
        Path keyFile = dir.resolveSibling(dir.getFileName() + ".key");
        if (!Files.exists(keyFile)) {
            Files.writeString(keyFile, TestSecrets.journalSecretSetting() + "\n");
        }
        List<String> withKey = new ArrayList<>(List.of(args));
        if (withKey.size() >= 2) {
            withKey.addAll(2, List.of("--key-file", keyFile.toString()));
        }
        return runExactly(withKey.toArray(new String[0]));
    }

    private int runExactly(String... args) {
        return new SpoolCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private void spoolOne() throws Exception {
        try (Journal journal = Journal.open(dir, 1 << 20, 1 << 16, CLOCK, TestSecrets.journalKey())) {
            journal.append(ID, SpooledStatement.of("INSERT INTO notes (key, body) VALUES (?, ?)", "k", "secret body").encode());
        }
    }

    @Test
    void listsPendingStatementsWithoutValues() throws Exception {
        spoolOne();
        assertEquals(0, run("list", dir.toString()));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals("1  " + ID + "  2026-11-26T21:00:00Z  2 params  INSERT INTO notes (key, body) VALUES (?, ?)\n"
                + "1 pending, 0 dead letters\n", text);
    }

    @Test
    void exportsPendingStatementsAsJsonLines() throws Exception {
        spoolOne();
        assertEquals(0, run("export", dir.toString()));
        assertEquals("{\"sequence\":1,\"id\":\"" + ID + "\",\"appendedAt\":\"2026-11-26T21:00:00Z\",\"statement\":"
                + "{\"sql\":\"INSERT INTO notes (key, body) VALUES (?, ?)\",\"params\":[{\"type\":\"string\",\"value\":\"k\"},"
                + "{\"type\":\"string\",\"value\":\"secret body\"}]}}\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void refusesAJournalTheApplicationHoldsOpen() throws Exception {
        spoolOne();
        try (Journal open = Journal.open(dir, 1 << 20, 1 << 16, CLOCK, TestSecrets.journalKey())) {
            assertEquals(1, run("list", dir.toString()));
            assertEquals("holdfast: journal " + dir + " is already open (in this or another process)\n",
                    err.toString(StandardCharsets.UTF_8));
            assertEquals(1, open.depth());
        }
    }

    @Test
    void printsUsageForUnknownCommandsAndMissingOptions() throws Exception {
        assertEquals(1, run("frobnicate", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: SpoolCommand list"));
        err.reset();
        assertEquals(1, run("replay", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: SpoolCommand list"));
        err.reset();
        assertEquals(1, run("list", dir.resolve("missing").toString()));
        assertEquals("holdfast: spool directory " + dir.resolve("missing") + " does not exist\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void marksRecordsThatFailAuthenticationAndNeedsTheKey() throws Exception {
        try (Journal journal = Journal.open(dir, 1 << 20, 1 << 16, CLOCK,
                TestSecrets.journalKey(TestSecrets.hmacSetting()))) {
            journal.append(ID, SpooledStatement.of("DELETE FROM users").encode());
        }
        assertEquals(0, run("list", dir.toString()));
        assertEquals("1  " + ID + "  2026-11-26T21:00:00Z  NOT AUTHENTIC (sealed under another key)  0 params  DELETE FROM users\n"
                + "1 pending, 0 dead letters\n", out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(0, run("export", dir.toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"notAuthentic\":\"sealed under another key\""),
                out.toString(StandardCharsets.UTF_8));
        assertEquals(1, runExactly("list", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: SpoolCommand list"), "no key, no look");
    }
}
