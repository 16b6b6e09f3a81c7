package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLDataException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzzes journal record decoding, through the entry points that exist: a segment file read by
 * {@link Journal#open} and {@link Journal#readPending}, and a payload read by {@link SpooledStatement#decode}.
 * Nothing escapes but the documented outcomes (a record of another version stops the open with an
 * {@link IOException}; an unreadable payload is a {@link SQLDataException} 22P03), and nothing is returned that
 * the bytes do not hold intact: every record read back re-encodes to exactly the next bytes of the segment.
 * Seeds in {@code JournalFuzzTestInputs/}. The harness is thin on purpose: point it at the codec when there is one.
 */
class JournalFuzzTest {
    private static final Path BASE = baseDirectory();

    private static Path baseDirectory() {
        try {
            Path shm = Paths.get("/dev/shm");
            Path base = Files.createTempDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                    : Paths.get(System.getProperty("java.io.tmpdir")), "holdfast-journal-fuzz");
            base.toFile().deleteOnExit(); // empty by then: each input's directory is deleted after it
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final JournalKey KEY = TestSecrets.journalKey();
    private static final RecordCodec CODEC = new RecordCodec(KEY);

    @FuzzTest(maxDuration = "10m")
    void aSegmentYieldsOnlyTheIntactRecordsItHolds(byte[] input) throws IOException {
        Path directory = Files.createTempDirectory(BASE, "j");
        try {
            Files.write(directory.resolve("segment-00000000000000000001.log"), input);
            Journal journal;
            try {
                journal = Journal.open(directory, 64L * 1024 * 1024, KEY);
            } catch (IOException e) {
                assertTrue(String.valueOf(e.getMessage()).contains("has version"), "open failed: " + e);
                return;
            }
            try (journal) {
                List<JournalRecord> records = journal.readPending(10_000);
                int offset = 0;
                long previous = 0;
                for (JournalRecord record : records) {
                    assertTrue(record.sequence() > previous, "sequences increase");
                    previous = record.sequence();
                    // Only a record sealed under the journal's key re-encodes to the same bytes.
                    if (record.authenticity() != Authenticity.AUTHENTIC) {
                        return;
                    }
                    byte[] expected = CODEC.encode(record.sequence(), record.id(),
                            record.appendedAt().toEpochMilli(), record.payload());
                    assertTrue(offset + expected.length <= input.length, "a record the bytes do not hold");
                    assertArrayEquals(expected, Arrays.copyOfRange(input, offset, offset + expected.length),
                            "record " + record.sequence() + " is not the bytes at offset " + offset);
                    offset += expected.length;
                }
                assertEquals(records.size(), journal.depth(), "pending count and records read agree");
            }
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void aPayloadDecodesToAStatementThatEncodesBackOrIsRefused(byte[] input) {
        SpooledStatement statement;
        try {
            statement = SpooledStatement.decode(input);
        } catch (SQLDataException e) {
            assertEquals("22P03", e.getSQLState());
            return;
        }
        try {
            assertEquals(statement, SpooledStatement.decode(statement.encode()), "decode(encode(s)) is s");
        } catch (SQLDataException e) {
            throw new AssertionError("a decoded statement does not decode again", e);
        }
    }
}
