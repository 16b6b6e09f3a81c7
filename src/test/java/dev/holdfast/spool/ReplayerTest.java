package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayerTest {
    @TempDir
    Path dir;

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    private static String text(JournalRecord r) {
        return new String(r.payload(), StandardCharsets.UTF_8);
    }

    private static Thread threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && t.isAlive()) {
                return t;
            }
        }
        return null;
    }

    @Test
    void appliesPendingRecordsInOrderAndAcknowledgesThem() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(dir, 1 << 20, 4096, Clock.systemUTC(), TestSecrets.journalKey())) {
            for (int i = 0; i < 600; i++) {
                journal.append(("r" + i).getBytes(StandardCharsets.UTF_8));
            }
            try (Replayer replayer = Replayer.start("test", journal, r -> seen.add(text(r)),
                    Duration.ofMillis(10), Duration.ofMillis(50))) {
                eventually(() -> journal.depth() == 0, "drained");
                assertEquals(600, replayer.appliedCount());
            }
            assertEquals(600, seen.size());
            for (int i = 0; i < 600; i++) {
                assertEquals("r" + i, seen.get(i));
            }
            assertEquals(600, journal.acknowledgedSequence());
        }
    }

    @Test
    void waitsWhileTheDatabaseIsUnavailableAndRetriesTheSameRecordFirst() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<String> attempts = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(dir, 1 << 20, 4096, Clock.systemUTC(), TestSecrets.journalKey())) {
            journal.append("a".getBytes(StandardCharsets.UTF_8));
            journal.append("b".getBytes(StandardCharsets.UTF_8));
            try (Replayer replayer = Replayer.start("test", journal, r -> {
                attempts.add(text(r));
                if (down.get()) {
                    throw new DatabaseUnavailableException(DatabaseUnavailableException.Reason.CONNECTION_FAILED);
                }
                seen.add(text(r));
            }, Duration.ofMillis(20), Duration.ofSeconds(30))) {
                eventually(() -> attempts.size() >= 2, "a retry");
                assertEquals(Optional.of(DatabaseUnavailableException.Reason.CONNECTION_FAILED), replayer.waitingFor());
                assertTrue(attempts.stream().allMatch("a"::equals), "never skips ahead: " + attempts);
                assertEquals(2, journal.depth());
                down.set(false);
                replayer.replayNow();
                eventually(() -> journal.depth() == 0, "drained");
                assertEquals(List.of("a", "b"), seen);
                assertTrue(replayer.waitingFor().isEmpty());
            }
        }
    }

    @Test
    void backsOffBetweenAttempts() throws Exception {
        List<Long> at = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(dir, 1 << 20, 4096, Clock.systemUTC(), TestSecrets.journalKey())) {
            journal.append(new byte[1]);
            try (Replayer replayer = Replayer.start("test", journal, r -> {
                at.add(System.nanoTime());
                throw new DatabaseUnavailableException(DatabaseUnavailableException.Reason.TIMEOUT);
            }, Duration.ofMillis(50), Duration.ofMillis(200))) {
                eventually(() -> at.size() >= 4, "four attempts");
                assertEquals(Optional.of(DatabaseUnavailableException.Reason.TIMEOUT), replayer.waitingFor());
            }
            // 50, 100, 200 ms apart (at least): doubling, bounded.
            assertTrue(at.get(1) - at.get(0) >= Duration.ofMillis(45).toNanos());
            assertTrue(at.get(2) - at.get(1) >= Duration.ofMillis(95).toNanos());
            assertTrue(at.get(3) - at.get(2) >= Duration.ofMillis(190).toNanos());
        }
    }

    @Test
    void deadLettersARefusedRecordAndGoesOn() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(dir, 1 << 20, 4096, Clock.systemUTC(), TestSecrets.journalKey())) {
            for (String s : new String[] {"a", "poison", "c"}) {
                journal.append(s.getBytes(StandardCharsets.UTF_8));
            }
            try (Replayer replayer = Replayer.start("test", journal, r -> {
                if (text(r).equals("poison")) {
                    throw new SQLException("duplicate key value violates unique constraint", "23505");
                }
                seen.add(text(r));
            }, Duration.ofMillis(10), Duration.ofMillis(50))) {
                eventually(() -> journal.depth() == 0, "drained");
                assertEquals(2, replayer.appliedCount());
            }
            assertEquals(List.of("a", "c"), seen);
            assertEquals(1, journal.deadLetterCount());
            String line = Files.readString(dir.resolve("dead-letters.jsonl"));
            assertTrue(line.contains("\"sqlState\":\"23505\""), line);
        }
    }

    @Test
    void wakesForARecordAppendedWhileIdle() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(dir, 1 << 20, 4096, Clock.systemUTC(), TestSecrets.journalKey());
             Replayer replayer = Replayer.start("test", journal, r -> seen.add(text(r)),
                     Duration.ofMillis(10), Duration.ofSeconds(60))) {
            Thread.sleep(50); // let it go idle (a 60 s wait)
            journal.append("late".getBytes(StandardCharsets.UTF_8));
            replayer.appended();
            eventually(() -> seen.size() == 1, "applied");
            assertEquals(List.of("late"), seen);
        }
    }

    @Test
    void closeEndsItsThread() throws Exception {
        try (Journal journal = Journal.open(dir, 1 << 20, 4096, Clock.systemUTC(), TestSecrets.journalKey())) {
            journal.append(new byte[1]);
            Replayer replayer = Replayer.start("closing", journal, r -> {
                throw new DatabaseUnavailableException(DatabaseUnavailableException.Reason.BREAKER_OPEN);
            }, Duration.ofSeconds(30), Duration.ofSeconds(30));
            eventually(() -> replayer.waitingFor().isPresent(), "backing off");
            Thread thread = threadNamed("holdfast-spool-closing");
            assertTrue(thread != null && thread.isDaemon());
            replayer.close();
            assertFalse(thread.isAlive());
            assertEquals(1, journal.depth());
        }
    }

    @Test
    void neverAppliesARecordThatFailsAuthenticationAndDeadLettersIt() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(dir, 1 << 20, 4096, Clock.systemUTC(), TestSecrets.journalKey())) {
            for (String s : new String[] {"a", "bbbbbb", "c"}) {
                journal.append(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        // rewrite "bbbbbb" to "forged" (same length), fixing the CRC but not the MAC
        Path segment = dir.resolve("segment-00000000000000000001.log");
        byte[] bytes = Files.readAllBytes(segment);
        int second = RecordCodec.HEADER_BYTES + 1;
        System.arraycopy("forged".getBytes(StandardCharsets.UTF_8), 0, bytes, second + RecordCodec.HEADER_BYTES, 6);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, second + 4, 5);
        crc.update(bytes, second + 13, RecordCodec.HEADER_BYTES - 13 + 6);
        java.nio.ByteBuffer.wrap(bytes).putInt(second + 9, (int) crc.getValue());
        Files.write(segment, bytes);
        try (Journal journal = Journal.open(dir, 1 << 20, 4096, Clock.systemUTC(), TestSecrets.journalKey())) {
            assertEquals(3, journal.depth(), "the forged record frames correctly");
            try (Replayer replayer = Replayer.start("test", journal, r -> seen.add(text(r)),
                    Duration.ofMillis(10), Duration.ofMillis(50))) {
                eventually(() -> journal.depth() == 0, "drained");
                assertEquals(2, replayer.appliedCount());
            }
            assertEquals(List.of("a", "c"), seen);
            assertEquals(1, journal.deadLetterCount());
            assertEquals(1, journal.rejectedCount());
            String line = Files.readString(dir.resolve("dead-letters.jsonl"));
            assertTrue(line.contains("\"cause\":\"authentication\""), line);
        }
    }
}
