package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.TestSecrets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFilesTest {
    private final RecordCodec codec = new RecordCodec(TestSecrets.journalKey());

    @TempDir
    Path dir;

    private byte[] record(long sequence) {
        return codec.encode(sequence, UUID.randomUUID(), 0L, new byte[10]);
    }

    private List<String> names() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private List<Long> sequences(SegmentFiles files) throws Exception {
        List<Long> sequences = new ArrayList<>();
        for (SegmentFiles.Segment s = files.first().orElse(null); s != null; s = files.after(s).orElse(null)) {
            try (FileChannel channel = FileChannel.open(s.path, StandardOpenOption.READ)) {
                for (long offset = 0; offset < s.size; ) {
                    JournalRecord r = files.read(channel, s, offset);
                    sequences.add(r.sequence());
                    offset += r.sizeOnDisk();
                }
            }
        }
        return sequences;
    }

    @Test
    void rollsOverAtSegmentBytesAndCreatesOwnerOnlyFiles() throws Exception {
        int size = record(1).length;
        try (SegmentFiles files = SegmentFiles.recover(dir, 2L * size, codec)) {
            for (long s = 1; s <= 5; s++) {
                files.append(s, record(s));
            }
            assertEquals(3, files.count());
            assertEquals(5L * size, files.usedBytes());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), sequences(files));
        }
        assertEquals(List.of("segment-00000000000000000001.log", "segment-00000000000000000003.log",
                "segment-00000000000000000005.log"), names());
        for (String name : names()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))));
        }
    }

    @Test
    void recoveryCutsATornTailAndKeepsWhatCameBefore() throws Exception {
        int size = record(1).length;
        try (SegmentFiles files = SegmentFiles.recover(dir, 100L * size, codec)) {
            files.append(1, record(1));
            files.append(2, record(2));
        }
        Path segment = dir.resolve("segment-00000000000000000001.log");
        byte[] third = record(3);
        Files.write(segment, java.util.Arrays.copyOf(third, third.length / 2), StandardOpenOption.APPEND);
        try (SegmentFiles files = SegmentFiles.recover(dir, 100L * size, codec)) {
            assertEquals(2, files.lastSequence());
            assertEquals(2L * size, Files.size(segment));
            assertEquals(List.of(1L, 2L), sequences(files));
            files.append(3, third);
            assertEquals(List.of(1L, 2L, 3L), sequences(files));
        }
    }

    @Test
    void recoveryCutsARecordWhoseSequenceDoesNotIncrease() throws Exception {
        int size = record(1).length;
        try (SegmentFiles files = SegmentFiles.recover(dir, 100L * size, codec)) {
            files.append(1, record(1));
            files.append(2, record(2));
        }
        Files.write(dir.resolve("segment-00000000000000000001.log"), record(2), StandardOpenOption.APPEND);
        try (SegmentFiles files = SegmentFiles.recover(dir, 100L * size, codec)) {
            assertEquals(List.of(1L, 2L), sequences(files));
        }
    }

    @Test
    void deletesSegmentsWhoseRecordsAreAllAcknowledged() throws Exception {
        int size = record(1).length;
        try (SegmentFiles files = SegmentFiles.recover(dir, 2L * size, codec)) {
            for (long s = 1; s <= 4; s++) {
                files.append(s, record(s));
            }
            assertFalse(files.deleteThrough(1), "segment 1 still holds record 2");
            assertTrue(files.deleteThrough(3));
            assertEquals(1, files.count());
            assertEquals(2L * size, files.usedBytes());
            assertTrue(files.deleteThrough(4));
            assertEquals(0, files.count());
            assertEquals(0, files.usedBytes());
            files.append(5, record(5));
            assertEquals(List.of(5L), sequences(files));
        }
    }
}
