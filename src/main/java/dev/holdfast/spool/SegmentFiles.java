package dev.holdfast.spool;

import dev.holdfast.files.PrivateDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's {@code segment-<first sequence, 20 digits>.log} files: found and checked at open (a torn tail cut
 * off), appended to with an fsync before returning, rolled over at {@code segmentBytes}, deleted once every
 * record in them is acknowledged. Not thread-safe: the {@link Journal} serialises every call.
 */
final class SegmentFiles implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentFiles.class);
    private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.log");

    private final Path directory;
    private final long segmentBytes;
    private final RecordCodec codec;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment active;
    private FileChannel activeChannel;
    private long usedBytes;

    /** One segment file: the sequences it holds and how many bytes of it are whole records. */
    static final class Segment {
        final long firstSequence;
        final Path path;
        long lastSequence = -1;
        long size;
        long records;

        Segment(long firstSequence, Path path) {
            this.firstSequence = firstSequence;
            this.path = path;
        }
    }

    private SegmentFiles(Path directory, long segmentBytes, RecordCodec codec) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        this.codec = codec;
    }

    /**
     * Finds and checks every segment in {@code directory}. The first invalid record of the last segment is a torn
     * tail (the process died mid-write): the segment is cut there, with a WARN saying how many records were kept
     * and how many bytes dropped. An invalid record in an earlier segment is disk damage, cut the same way and
     * logged at ERROR. A record of a newer version stops the open.
     */
    static SegmentFiles recover(Path directory, long segmentBytes, RecordCodec codec) throws IOException {
        SegmentFiles files = new SegmentFiles(directory, segmentBytes, codec);
        List<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> paths = Files.newDirectoryStream(directory, "segment-*.log")) {
            for (Path path : paths) {
                Matcher m = NAME.matcher(path.getFileName().toString());
                if (m.matches()) {
                    found.add(new Segment(Long.parseLong(m.group(1)), path));
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.firstSequence, b.firstSequence));
        long lastSequence = 0;
        for (int i = 0; i < found.size(); i++) {
            Segment segment = found.get(i);
            lastSequence = files.scan(segment, lastSequence, i == found.size() - 1);
            files.segments.put(segment.firstSequence, segment);
            files.usedBytes += segment.size;
        }
        return files;
    }

    /** Reads every record of a segment, cutting it at the first invalid one. Returns the last good sequence. */
    private long scan(Segment segment, long previousSequence, boolean last) throws IOException {
        try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long fileSize = channel.size();
            long offset = 0;
            long sequence = previousSequence;
            Optional<String> problem = Optional.empty();
            while (offset < fileSize) {
                JournalRecord record;
                try {
                    record = codec.read(channel, offset, fileSize);
                } catch (RecordCodec.DamagedRecordException e) {
                    problem = Optional.of(e.getMessage());
                    break;
                }
                if (record.sequence() <= sequence) {
                    problem = Optional.of("sequence " + record.sequence() + " not above " + sequence);
                    break;
                }
                sequence = record.sequence();
                segment.lastSequence = sequence;
                segment.records++;
                offset += record.sizeOnDisk();
            }
            if (problem.isPresent()) {
                channel.truncate(offset);
                channel.force(true);
                if (last) {
                    log.warn("journal {}: torn tail in {} ({}): kept {} records, dropped {} bytes",
                            directory, segment.path.getFileName(), problem.get(), segment.records, fileSize - offset);
                } else {
                    log.error("journal {}: damaged record in {} ({}): kept {} records, dropped {} bytes",
                            directory, segment.path.getFileName(), problem.get(), segment.records, fileSize - offset);
                }
            }
            segment.size = offset;
            return sequence;
        }
    }

    /** The highest sequence on disk, 0 when there is none. */
    long lastSequence() {
        long last = 0;
        for (Segment segment : segments.values()) {
            last = Math.max(last, segment.lastSequence);
        }
        return last;
    }

    /** Records in segments that end above {@code acknowledged} (some of them may be acknowledged). */
    long recordsInSegmentsEndingAbove(long acknowledged) {
        long records = 0;
        for (Segment segment : segments.values()) {
            if (segment.lastSequence > acknowledged) {
                records += segment.records;
            }
        }
        return records;
    }

    Optional<Segment> first() {
        return Optional.ofNullable(segments.isEmpty() ? null : segments.firstEntry().getValue());
    }

    Optional<Segment> last() {
        return Optional.ofNullable(segments.isEmpty() ? null : segments.lastEntry().getValue());
    }

    Optional<Segment> after(Segment segment) {
        Map.Entry<Long, Segment> next = segments.higherEntry(segment.firstSequence);
        return Optional.ofNullable(next == null ? null : next.getValue());
    }

    long usedBytes() {
        return usedBytes;
    }

    int count() {
        return segments.size();
    }

    /**
     * Writes one encoded record with sequence {@code sequence} at the end of the active segment (starting a new
     * one when it would pass {@code segmentBytes}) and forces it to disk. On failure nothing of it is left behind.
     *
     * @return the segment it went into and the offset it starts at
     */
    Position append(long sequence, byte[] record) throws IOException {
        if (active == null) {
            Optional<Segment> last = last();
            if (last.isPresent() && last.get().size < segmentBytes) {
                active = last.get();
                activeChannel = PrivateDirectory.open(active.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
        } else if (!activeChannel.isOpen()) {
            reopenActive();
        }
        if (active == null || (active.size + record.length > segmentBytes && active.records > 0)) {
            startSegment(sequence);
        }
        long start = active.size;
        ByteBuffer buffer = ByteBuffer.wrap(record);
        try {
            while (buffer.hasRemaining()) {
                activeChannel.write(buffer, start + buffer.position());
            }
            activeChannel.force(false);
        } catch (IOException e) {
            // Leave no half record behind for the next append to follow.
            try {
                activeChannel.truncate(start);
            } catch (IOException truncateFailed) {
                e.addSuppressed(truncateFailed);
            }
            throw e;
        }
        active.size += record.length;
        active.records++;
        active.lastSequence = sequence;
        usedBytes += record.length;
        return new Position(active, start);
    }

    /** A record's place: its segment and the byte offset it starts at. */
    static final class Position {
        final Segment segment;
        final long offset;

        Position(Segment segment, long offset) {
            this.segment = segment;
            this.offset = offset;
        }
    }

    /**
     * An appending thread that was interrupted closed the channel (NIO closes an interruptible channel on
     * interrupt). That append failed and said so; open the segment again, dropping whatever it half wrote.
     */
    private void reopenActive() throws IOException {
        activeChannel = PrivateDirectory.open(active.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        activeChannel.truncate(active.size);
        activeChannel.force(true);
        log.info("journal {}: reopened {} after an interrupted append", directory, active.path.getFileName());
    }

    private void startSegment(long firstSequence) throws IOException {
        Segment segment = new Segment(firstSequence, directory.resolve(String.format("segment-%020d.log", firstSequence)));
        // Open the new segment before letting go of the old one: a failure here leaves the journal as it was.
        FileChannel channel = PrivateDirectory.open(segment.path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            forceDirectory(directory);
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(segment.path);
            throw e;
        }
        if (activeChannel != null) {
            activeChannel.close();
        }
        activeChannel = channel;
        segments.put(segment.firstSequence, segment);
        active = segment;
    }

    /**
     * Deletes, oldest first, the segments whose records are all at or below {@code acknowledged}, and empty
     * segments a crash left behind before the last one. Returns whether any was deleted.
     */
    boolean deleteThrough(long acknowledged) throws IOException {
        boolean deleted = false;
        Iterator<Segment> it = segments.values().iterator();
        while (it.hasNext()) {
            Segment segment = it.next();
            boolean done = segment.records == 0
                    ? segment != active && segment != segments.lastEntry().getValue()
                    : segment.lastSequence <= acknowledged;
            if (!done) {
                break;
            }
            if (segment == active) {
                activeChannel.close();
                activeChannel = null;
                active = null;
            }
            Files.deleteIfExists(segment.path);
            usedBytes -= segment.size;
            it.remove();
            deleted = true;
        }
        if (deleted) {
            forceDirectory(directory);
        }
        return deleted;
    }

    boolean contains(Segment segment) {
        return segments.get(segment.firstSequence) == segment;
    }

    /** Reads the record at {@code offset} of {@code segment}; it was checked at open or written since. */
    JournalRecord read(FileChannel channel, Segment segment, long offset) throws IOException {
        try {
            return codec.read(channel, offset, segment.size);
        } catch (RecordCodec.DamagedRecordException e) {
            // Checked at open and written by us since: the disk changed under us.
            throw new IOException("journal " + directory + ": record at offset " + offset + " of "
                    + segment.path.getFileName() + " is damaged (" + e.getMessage() + ")", e);
        }
    }

    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        if (activeChannel != null) {
            activeChannel.close();
            activeChannel = null;
        }
    }
}
