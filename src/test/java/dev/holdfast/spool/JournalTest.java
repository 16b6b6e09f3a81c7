package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T21:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Journal open() throws IOException {
        return Journal.open(dir, 1024 * 1024, 64 * 1024, CLOCK, TestSecrets.journalKey());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<JournalRecord> records) {
        return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).collect(Collectors.toList());
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void writesTheDocumentedRecordFormat() throws Exception {
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        try (Journal journal = open()) {
            journal.append(id, bytes("hello"));
        }
        byte[] file = Files.readAllBytes(dir.resolve("segment-00000000000000000001.log"));
        ByteBuffer b = ByteBuffer.wrap(file);
        assertEquals(RecordCodec.HEADER_BYTES + 5, file.length);
        assertEquals(0x48464A52, b.getInt(0));
        assertEquals(2, b.get(4));
        assertEquals(5, b.getInt(5));
        assertEquals(1L, b.getLong(13));
        assertEquals(id, new UUID(b.getLong(21), b.getLong(29)));
        assertEquals(CLOCK.millis(), b.getLong(37));
        assertEquals(TestSecrets.journalKey().id(), b.getLong(45));
        assertEquals("hello", new String(file, 85, 5, StandardCharsets.UTF_8));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(file, 4, 5);
        crc.update(file, 13, file.length - 13);
        assertEquals((int) crc.getValue(), b.getInt(9));
        javax.crypto.Mac mac = TestSecrets.journalKey().newMac();
        mac.update(file, 4, 5);
        mac.update(file, 13, 40);
        mac.update(file, 85, 5);
        assertArrayEquals(mac.doFinal(), java.util.Arrays.copyOfRange(file, 53, 85));
    }

    @Test
    void readsRecordsBackInOrderWithIncreasingSequencesAndDistinctIds() throws Exception {
        try (Journal journal = open()) {
            for (int i = 0; i < 5; i++) {
                journal.append(bytes("r" + i));
            }
            List<JournalRecord> records = journal.readPending(10);
            assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), texts(records));
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i + 1, records.get(i).sequence());
                assertEquals(CLOCK.instant(), records.get(i).appendedAt());
            }
            assertEquals(5, records.stream().map(JournalRecord::id).distinct().count());
            assertEquals(5, journal.depth());
            assertEquals(List.of("r0", "r1"), texts(journal.readPending(2)));
        }
    }

    @Test
    void keepsTheIdTheCallerGives() throws Exception {
        UUID id = UUID.randomUUID();
        try (Journal journal = open()) {
            assertEquals(id, journal.append(id, bytes("x")).id());
            assertEquals(id, journal.readPending(1).get(0).id());
        }
    }

    @Test
    void survivesReopenWithRecordsAndSequence() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("a"));
            journal.append(bytes("b"));
        }
        try (Journal journal = open()) {
            assertEquals(List.of("a", "b"), texts(journal.readPending(10)));
            assertEquals(3, journal.append(bytes("c")).sequence());
            assertEquals(3, journal.depth());
        }
    }

    @Test
    void truncatesAPartialRecordAtTheTailAndKeepsEverythingBefore() throws Exception {
        try (Journal journal = open()) {
            for (int i = 0; i < 3; i++) {
                journal.append(bytes("r" + i));
            }
        }
        Path segment = segmentFiles().get(0);
        long goodSize = Files.size(segment);
        // A record cut short mid-payload, as a kill -9 during write leaves it.
        byte[] torn = new RecordCodec(TestSecrets.journalKey()).encode(4, UUID.randomUUID(), CLOCK.millis(),
                bytes("torn-record"));
        byte[] partial = java.util.Arrays.copyOf(torn, torn.length - 4);
        Files.write(segment, partial, StandardOpenOption.APPEND);

        try (Journal journal = open()) {
            assertEquals(List.of("r0", "r1", "r2"), texts(journal.readPending(10)));
            assertEquals(goodSize, Files.size(segment));
            assertEquals(4, journal.append(bytes("after")).sequence());
            assertEquals(List.of("r0", "r1", "r2", "after"), texts(journal.readPending(10)));
        }
    }

    @Test
    void truncatesGarbageAtTheTail() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("kept"));
        }
        Path segment = segmentFiles().get(0);
        Files.write(segment, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
            21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46},
                StandardOpenOption.APPEND);
        try (Journal journal = open()) {
            assertEquals(List.of("kept"), texts(journal.readPending(10)));
            assertEquals(1, journal.depth());
        }
    }

    @Test
    void truncatesAtARecordWhoseCrcDoesNotMatch() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("first"));
            journal.append(bytes("second"));
            journal.append(bytes("third"));
        }
        Path segment = segmentFiles().get(0);
        long secondPayload = RecordCodec.HEADER_BYTES + 5 + RecordCodec.HEADER_BYTES;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes("X")), secondPayload); // "second" -> "Xecond"
        }
        try (Journal journal = open()) {
            assertEquals(List.of("first"), texts(journal.readPending(10)));
            assertEquals(RecordCodec.HEADER_BYTES + 5, Files.size(segment));
        }
    }

    @Test
    void refusesAnAppendBeyondMaxBytesWithAClearMessage() throws Exception {
        int record = RecordCodec.HEADER_BYTES + 10;
        try (Journal journal = Journal.open(dir, 3L * record, record, CLOCK, TestSecrets.journalKey())) {
            for (int i = 0; i < 3; i++) {
                journal.append(new byte[10]);
            }
            JournalFullException e = assertThrows(JournalFullException.class, () -> journal.append(new byte[10]));
            assertEquals("journal " + dir + " is full: " + 3 * record + " of " + 3 * record + " bytes hold 3 records"
                    + " not yet accepted by the database, the oldest appended at 2026-11-26T21:00:00Z", e.getMessage());
            assertEquals(3, journal.depth());
            // Acknowledging frees the space again.
            journal.acknowledge(1);
            journal.append(new byte[10]);
            assertEquals(3, journal.depth());
        }
    }

    @Test
    void refusesAPayloadLargerThanTheWholeJournal() throws Exception {
        try (Journal journal = Journal.open(dir, 100, 100, CLOCK, TestSecrets.journalKey())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> journal.append(new byte[60]));
            assertTrue(e.getMessage().startsWith("payload of 60 bytes is larger than journal"), e.getMessage());
        }
    }

    @Test
    void resumesAfterTheAcknowledgedSequenceOnRestart() throws Exception {
        try (Journal journal = open()) {
            for (int i = 0; i < 5; i++) {
                journal.append(bytes("r" + i));
            }
            journal.acknowledge(3);
            assertEquals(2, journal.depth());
        }
        assertEquals("acknowledged 3\n", Files.readString(dir.resolve("acknowledged")));
        try (Journal journal = open()) {
            assertEquals(List.of("r3", "r4"), texts(journal.readPending(10)));
            assertEquals(2, journal.depth());
            assertEquals(CLOCK.instant(), journal.oldestPending().orElseThrow());
            journal.acknowledge(5);
            assertEquals(0, journal.depth());
            assertTrue(journal.oldestPending().isEmpty());
        }
        try (Journal journal = open()) {
            assertEquals(0, journal.depth());
            assertTrue(journal.readPending(10).isEmpty());
            assertEquals(6, journal.append(bytes("next")).sequence());
        }
    }

    @Test
    void refusesAnAcknowledgementOfSomethingNeverAppended() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("only"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> journal.acknowledge(2));
            assertEquals("cannot acknowledge sequence 2: the last appended is 1", e.getMessage());
        }
    }

    @Test
    void refusesToGuessAnUnreadableAcknowledgedMarker() throws Exception {
        Files.writeString(dir.resolve("acknowledged"), "acknowledged ten\n");
        IOException e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().endsWith("acknowledged does not read 'acknowledged <sequence>'"), e.getMessage());
    }

    @Test
    void deletesSegmentsOnceAllTheirRecordsAreAcknowledged() throws Exception {
        int record = RecordCodec.HEADER_BYTES + 10;
        try (Journal journal = Journal.open(dir, 100L * record, 2L * record, CLOCK, TestSecrets.journalKey())) {
            for (int i = 0; i < 6; i++) {
                journal.append(new byte[10]);
            }
            assertEquals(3, segmentFiles().size());
            assertEquals(6L * record, journal.usedBytes());
            journal.acknowledge(3); // segment 1 (1,2) done; segment 2 (3,4) half
            assertEquals(2, segmentFiles().size());
            assertEquals("segment-00000000000000000003.log", segmentFiles().get(0).getFileName().toString());
            assertEquals(4L * record, journal.usedBytes());
            journal.acknowledge(6);
            assertEquals(0, segmentFiles().size());
            assertEquals(0, journal.usedBytes());
            assertEquals(7, journal.append(new byte[10]).sequence());
            assertEquals(1, journal.readPending(10).size());
        }
    }

    @Test
    void readsAcrossSegments() throws Exception {
        int record = RecordCodec.HEADER_BYTES + 2;
        try (Journal journal = Journal.open(dir, 100L * record, 3L * record, CLOCK, TestSecrets.journalKey())) {
            List<String> expected = new ArrayList<>();
            for (int i = 10; i < 20; i++) {
                journal.append(bytes("" + i));
                expected.add("" + i);
            }
            assertEquals(expected, texts(journal.readPending(100)));
            journal.acknowledge(4);
            assertEquals(expected.subList(4, 10), texts(journal.readPending(100)));
        }
        try (Journal journal = Journal.open(dir, 100L * record, 3L * record, CLOCK, TestSecrets.journalKey())) {
            assertEquals(6, journal.depth());
            assertEquals("14", texts(journal.readPending(1)).get(0));
        }
    }

    @Test
    void keepsOrderAndLosesNothingUnderConcurrentAppends() throws Exception {
        int threads = 8;
        int perThread = 200;
        Set<UUID> ids = ConcurrentHashMap.newKeySet();
        List<Long> returned = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Journal journal = Journal.open(dir, 10L * 1024 * 1024, 16 * 1024, CLOCK, TestSecrets.journalKey())) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        JournalRecord r = journal.append(bytes(thread + ":" + i));
                        ids.add(r.id());
                        mine.add(r.sequence());
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<Long>> f : futures) {
                List<Long> mine = f.get(60, TimeUnit.SECONDS);
                for (int i = 1; i < mine.size(); i++) {
                    assertTrue(mine.get(i) > mine.get(i - 1), "one thread's appends keep its order");
                }
                returned.addAll(mine);
            }
            List<JournalRecord> all = journal.readPending(threads * perThread + 1);
            assertEquals(threads * perThread, all.size());
            assertEquals(threads * perThread, ids.size());
            int[] nextPerThread = new int[threads];
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).sequence());
                String[] parts = texts(List.of(all.get(i))).get(0).split(":");
                int thread = Integer.parseInt(parts[0]);
                assertEquals(nextPerThread[thread]++, Integer.parseInt(parts[1]));
            }
            assertEquals(threads * perThread, returned.stream().distinct().count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesASecondOpenOfTheSameDirectory() throws Exception {
        try (Journal journal = open()) {
            IOException e = assertThrows(IOException.class, this::open);
            assertEquals("journal " + dir + " is already open (in this or another process)", e.getMessage());
            assertFalse(journal.toString().isEmpty());
        }
    }

    @Test
    void deadLettersKeepTheErrorAndPayloadAndAcknowledge() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("good"));
            JournalRecord poison = journal.append(bytes("poison"));
            journal.append(bytes("after"));
            journal.acknowledge(1);
            journal.deadLetter(journal.readPending(1).get(0), "23505", "duplicate key \"x\"\nvalue");
            assertEquals(1, journal.deadLetterCount());
            assertEquals(List.of("after"), texts(journal.readPending(10)));
            String line = Files.readString(dir.resolve("dead-letters.jsonl"));
            assertTrue(line.endsWith("\n"));
            assertTrue(line.contains("\"sequence\":2,\"id\":\"" + poison.id() + "\""), line);
            assertTrue(line.contains("\"sqlState\":\"23505\",\"message\":\"duplicate key \\\"x\\\"\\nvalue\""), line);
            assertTrue(line.contains("\"payload\":\"cG9pc29u\""), line);
        }
        try (Journal journal = open()) {
            assertEquals(1, journal.deadLetterCount());
            assertEquals(1, journal.depth());
        }
    }

    @Test
    void acknowledgingStepsOverTheRecordsJustReadWithoutReadingThemAgain() throws Exception {
        int record = RecordCodec.HEADER_BYTES + 2;
        try (Journal journal = Journal.open(dir, 100L * record, 3L * record, CLOCK, TestSecrets.journalKey())) {
            for (int i = 10; i < 20; i++) {
                journal.append(bytes("" + i));
            }
            assertEquals(List.of("10", "11", "12", "13", "14"), texts(journal.readPending(5)));
            // Records 4 and 5 (the second segment's first two) are damaged on disk after they were read: reading
            // them again would fail on their CRC.
            Path second = dir.resolve("segment-00000000000000000004.log");
            try (FileChannel channel = FileChannel.open(second, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {'x'}), record - 1L);
                channel.write(ByteBuffer.wrap(new byte[] {'x'}), 2L * record - 1);
            }
            journal.acknowledge(5);
            assertEquals(5, journal.depth());
            assertEquals(CLOCK.instant(), journal.oldestPending().orElseThrow());
            assertEquals(List.of("15", "16", "17", "18", "19"), texts(journal.readPending(100)));
        }
    }

    @Test
    void reportsTheOldestPendingRecord() throws Exception {
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock moving = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now[0]; }
        };
        try (Journal journal = Journal.open(dir, 1024 * 1024, 1024, moving, TestSecrets.journalKey())) {
            assertTrue(journal.oldestPending().isEmpty());
            journal.append(bytes("a"));
            now[0] = now[0].plusSeconds(60);
            journal.append(bytes("b"));
            assertEquals(Instant.parse("2026-01-01T00:00:00Z"), journal.oldestPending().orElseThrow());
            journal.acknowledge(1);
            assertEquals(Instant.parse("2026-01-01T00:01:00Z"), journal.oldestPending().orElseThrow());
        }
    }

    @Test
    void payloadIsCopiedNotShared() throws Exception {
        byte[] payload = bytes("abc");
        try (Journal journal = open()) {
            journal.append(payload);
            payload[0] = 'X';
            assertArrayEquals(bytes("abc"), journal.readPending(1).get(0).payload());
        }
    }

    @Test
    void refusesToOpenARecordOfANewerVersionRatherThanTruncateIt() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("from the future"));
        }
        Path segment = segmentFiles().get(0);
        long size = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {3}), 4);
        }
        IOException e = assertThrows(IOException.class, this::open);
        assertEquals("journal record at offset 0 has version 3; this holdfast reads version 2 (written by a newer"
                + " holdfast?)", e.getMessage());
        assertEquals(size, Files.size(segment));
        // and the failed open released its lock
        Files.write(segment, new byte[0]);
        try (Journal journal = open()) {
            assertEquals(0, journal.depth());
        }
    }

    @Test
    void appendsToAnEmptySegmentACrashLeftBehind() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("a"));
            journal.acknowledge(1);
        }
        Files.createFile(dir.resolve("segment-00000000000000000002.log"));
        try (Journal journal = open()) {
            assertEquals(0, journal.depth());
            assertEquals(2, journal.append(bytes("b")).sequence());
            assertEquals(List.of("b"), texts(journal.readPending(10)));
        }
    }

    @Test
    void keepsLaterSegmentsWhenAnEarlierOneIsDamaged() throws Exception {
        int record = RecordCodec.HEADER_BYTES + 2;
        try (Journal journal = Journal.open(dir, 100L * record, 2L * record, CLOCK, TestSecrets.journalKey())) {
            for (int i = 10; i < 16; i++) {
                journal.append(bytes("" + i));
            }
        }
        Path first = segmentFiles().get(0);
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes("X")), record + RecordCodec.HEADER_BYTES); // second record of segment 1
        }
        try (Journal journal = Journal.open(dir, 100L * record, 2L * record, CLOCK, TestSecrets.journalKey())) {
            assertEquals(List.of("10", "12", "13", "14", "15"), texts(journal.readPending(10)));
            assertEquals(5, journal.depth());
        }
    }

    @Test
    void anInterruptedAppendFailsAndLaterAppendsStillWork() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("before"));
            Thread.currentThread().interrupt();
            assertThrows(java.nio.channels.ClosedByInterruptException.class, () -> journal.append(bytes("interrupted")));
            assertTrue(Thread.interrupted());
            assertEquals(2, journal.append(bytes("after")).sequence());
            assertEquals(List.of("before", "after"), texts(journal.readPending(10)));
        }
        try (Journal journal = open()) {
            assertEquals(List.of("before", "after"), texts(journal.readPending(10)));
        }
    }

    @Test
    void handsOutRecordsThatFailAuthenticationMarkedAndRejectsThemOnRequest() throws Exception {
        try (Journal journal = open()) {
            journal.append(bytes("mine"));
        }
        try (Journal journal = Journal.open(dir, 1024 * 1024, 64 * 1024, CLOCK,
                TestSecrets.journalKey(TestSecrets.hmacSetting()))) {
            JournalRecord record = journal.readPending(1).get(0);
            assertEquals(Authenticity.OTHER_KEY, record.authenticity(), "after a key change");
            assertThrows(IllegalArgumentException.class, () -> journal.reject(journal.append(bytes("ok"))));
            journal.reject(record);
            assertEquals(1, journal.depth());
            assertEquals(1, journal.rejectedCount());
            assertEquals(List.of("ok"), texts(journal.readPending(10)));
        }
        try (Journal journal = open()) {
            assertEquals(1, journal.rejectedCount(), "counted again at open");
            assertEquals(Authenticity.OTHER_KEY, journal.readPending(1).get(0).authenticity());
        }
    }

    @Test
    void aJournalWrittenBeforeRecordsWereSealedIsReadAsUnsealed() throws Exception {
        byte[] payload = bytes("old");
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(RecordCodec.UNSEALED_HEADER_BYTES + payload.length);
        v1.putInt(RecordCodec.MAGIC).put((byte) 1).putInt(payload.length).putInt(0).putLong(1)
                .putLong(1).putLong(2).putLong(CLOCK.millis()).put(payload);
        byte[] record = v1.array();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(record, 4, 5);
        crc.update(record, 13, record.length - 13);
        v1.putInt(9, (int) crc.getValue());
        Files.write(dir.resolve("segment-00000000000000000001.log"), record);
        try (Journal journal = open()) {
            JournalRecord old = journal.readPending(1).get(0);
            assertEquals(Authenticity.UNSEALED, old.authenticity());
            assertEquals(2, journal.append(bytes("new")).sequence());
            journal.reject(old);
            assertEquals(List.of("new"), texts(journal.readPending(10)));
            assertEquals(Authenticity.AUTHENTIC, journal.readPending(1).get(0).authenticity());
        }
    }
}
