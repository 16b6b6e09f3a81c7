package dev.holdfast.spool;

import dev.holdfast.files.PrivateDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one durable journal in Holdfast: an append-only, bounded, crash-safe queue of authenticated records in a
 * directory, read back in order and acknowledged once they are safely elsewhere (the database). It is built
 * from three parts, each with its own file and its own tests: {@link RecordCodec} (the record format, its CRC
 * and its MAC), {@link SegmentFiles} (the segment files and their recovery) and {@link AckMarker} (how far the
 * database has taken them); {@link DeadLetters} keeps what will not be replayed.
 *
 * <h2>Files in the directory</h2>
 * <ul>
 *   <li>{@code segment-<first sequence, 20 digits>.log}: records, appended in order (see {@link RecordCodec}).</li>
 *   <li>{@code acknowledged}: every record with sequence &lt;= N has been applied or dead-lettered.</li>
 *   <li>{@code dead-letters.jsonl}: records the database refused or that failed authentication.</li>
 *   <li>{@code lock}: held with an OS file lock while the journal is open, so two processes (the web
 *       application and {@link SpoolCommand}) never append to or replay one directory at once. The OS
 *       releases it when the process dies, also on {@code kill -9}.</li>
 * </ul>
 * The directory is created owner-only and refused when another user owns it, group or others can write it, or
 * it is a symbolic link ({@link PrivateDirectory}); every file in it is created {@code 0600}.
 *
 * <p>No record whose {@link #append} returned is ever torn, because {@code append} returns only after
 * {@code force}. Every record carries a MAC under the {@link JournalKey}; a record read back without a valid one
 * is still handed out, with its {@link JournalRecord#authenticity()}, so the consumer can {@link #reject} it.
 *
 * <p>Thread-safe: appends are serialised (one writer at a time, in sequence order); reading and acknowledging
 * are meant for one consumer, the {@link Replayer}.
 */
public final class Journal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    static final String DEAD_LETTERS = DeadLetters.FILE;
    private static final long DEFAULT_SEGMENT_BYTES = 4L * 1024 * 1024;

    private final Path directory;
    private final long maxBytes;
    private final Clock clock;
    private final RecordCodec codec;
    private final FileChannel lockChannel;
    private final FileLock lock;

    // All below guarded by "this".
    private SegmentFiles segments;
    private AckMarker marker;
    private DeadLetters deadLetters;
    private long nextSequence;
    private long acknowledged;
    private long pending;
    /** First record with sequence > acknowledged: its segment and byte offset (or the end of the journal). */
    private Optional<SegmentFiles.Segment> cursorSegment = Optional.empty();
    private long cursorOffset;
    /**
     * Where the records the last {@link #readPending} handed out lie, oldest first. Acknowledging steps the cursor
     * over them without reading them again: they were read whole, CRC and MAC checked, just before.
     */
    private final ArrayDeque<Place> handedOut = new ArrayDeque<>();
    private Optional<Instant> oldestPending = Optional.empty();
    private boolean closed;

    private Journal(Path directory, long maxBytes, Clock clock, RecordCodec codec, FileChannel lockChannel,
                    FileLock lock) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.codec = codec;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating if needed) the journal in {@code directory}, holding at most {@code maxBytes}. */
    public static Journal open(Path directory, long maxBytes, JournalKey key) throws IOException {
        return open(directory, maxBytes,
                Math.max(RecordCodec.HEADER_BYTES, Math.min(DEFAULT_SEGMENT_BYTES, maxBytes / 8)),
                Clock.systemUTC(), key);
    }

    /**
     * Opens the journal; {@code segmentBytes} is the size at which a new segment file starts (the unit in
     * which acknowledged space is given back).
     *
     * @throws dev.holdfast.files.UnsafeDirectoryException when the directory is not the application user's alone
     */
    public static Journal open(Path directory, long maxBytes, long segmentBytes, Clock clock, JournalKey key)
            throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(key, "key");
        if (maxBytes < RecordCodec.HEADER_BYTES + 1) {
            throw new IllegalArgumentException("maxBytes must be at least " + (RecordCodec.HEADER_BYTES + 1)
                    + ", was " + maxBytes);
        }
        if (segmentBytes < RecordCodec.HEADER_BYTES || segmentBytes > maxBytes) {
            throw new IllegalArgumentException("segmentBytes must be between " + RecordCodec.HEADER_BYTES
                    + " and maxBytes (" + maxBytes + "), was " + segmentBytes);
        }
        Path dir = PrivateDirectory.prepare(directory);
        FileChannel lockChannel = PrivateDirectory.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("journal " + directory + " is already open (in this or another process)");
        }
        Journal journal = new Journal(directory, maxBytes, clock, new RecordCodec(key), lockChannel, lock);
        try {
            journal.recover(dir, segmentBytes);
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    private synchronized void recover(Path dir, long segmentBytes) throws IOException {
        marker = new AckMarker(dir);
        acknowledged = marker.read();
        deadLetters = DeadLetters.open(dir);
        segments = SegmentFiles.recover(dir, segmentBytes, codec);
        nextSequence = Math.max(segments.lastSequence(), acknowledged) + 1;
        segments.deleteThrough(acknowledged);
        // Every remaining segment ends above the acknowledged sequence and is counted in full; moving the
        // cursor past the acknowledged records at the head subtracts those.
        pending = segments.recordsInSegmentsEndingAbove(acknowledged);
        cursorSegment = segments.first();
        cursorOffset = 0;
        advanceCursor();
        log.info("journal {}: opened; {} pending records, next sequence {}, {} dead letters",
                directory, pending, nextSequence, deadLetters.count());
    }

    // ------------------------------------------------------------------------------------------ append

    /** Appends a record with a fresh random id. Durable on return. */
    public JournalRecord append(byte[] payload) throws IOException, JournalFullException {
        return append(UUID.randomUUID(), payload);
    }

    /**
     * Appends a record with the given id, sealed under the journal's key, durable (fsync'd) on return. Callers
     * pass an id they already used when a first attempt may have reached the database (its commit lost in
     * flight), so replay can tell.
     *
     * @throws JournalFullException when the record would take the journal past {@code maxBytes}
     */
    public JournalRecord append(UUID id, byte[] payload) throws IOException, JournalFullException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        long size = (long) RecordCodec.HEADER_BYTES + payload.length;
        if (payload.length > RecordCodec.MAX_PAYLOAD_BYTES || size > maxBytes) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes is larger than journal "
                    + directory + " can ever hold");
        }
        byte[] copy = payload.clone();
        synchronized (this) {
            ensureOpen();
            if (segments.usedBytes() + size > maxBytes) {
                throw new JournalFullException("journal " + directory + " is full: " + segments.usedBytes() + " of "
                        + maxBytes + " bytes hold " + pending + " records not yet accepted by the database"
                        + oldestPending.map(at -> ", the oldest appended at " + at).orElse(""));
            }
            long appendedAt = clock.millis();
            byte[] record = codec.encode(nextSequence, id, appendedAt, copy);
            SegmentFiles.Position position = segments.append(nextSequence, record);
            JournalRecord appended = new JournalRecord(nextSequence, id, Instant.ofEpochMilli(appendedAt), copy,
                    Authenticity.AUTHENTIC, codec.keyId(), RecordCodec.macOf(record), record.length);
            nextSequence++;
            pending++;
            if (cursorSegment.isEmpty()) {
                cursorSegment = Optional.of(position.segment);
                cursorOffset = position.offset;
            }
            if (oldestPending.isEmpty()) {
                oldestPending = Optional.of(appended.appendedAt());
            }
            return appended;
        }
    }

    // ------------------------------------------------------------------------------------------ read

    /** Receives records one at a time, oldest first. */
    @FunctionalInterface
    public interface Visitor {
        void visit(JournalRecord record) throws IOException;
    }

    /** Up to {@code max} records not yet acknowledged, oldest first. */
    public synchronized List<JournalRecord> readPending(int max) throws IOException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        List<JournalRecord> records = new ArrayList<>();
        visitPending(max, records::add, true);
        return records;
    }

    /**
     * Hands every pending record, oldest first, to {@code visitor} without holding them all in memory (for
     * {@link SpoolCommand}). Appends wait meanwhile.
     */
    public synchronized void forEachPending(Visitor visitor) throws IOException {
        Objects.requireNonNull(visitor, "visitor");
        visitPending(Long.MAX_VALUE, visitor, false);
    }

    /** @param remember whether to note where the records lie ({@link #handedOut}); a bounded read only */
    private void visitPending(long max, Visitor visitor, boolean remember) throws IOException {
        ensureOpen();
        handedOut.clear();
        long[] visited = {0};
        walkFromCursor((segment, offset, record) -> {
            if (visited[0] >= max) {
                return false;
            }
            if (record.sequence() > acknowledged) {
                visitor.visit(record);
                if (remember) {
                    handedOut.add(new Place(segment, offset, record));
                }
                visited[0]++;
            }
            return true;
        });
    }

    /** Where a record handed out lies, and what acknowledging needs of it. */
    private static final class Place {
        final SegmentFiles.Segment segment;
        final long offset;
        final long sequence;
        final Instant appendedAt;
        final long size;

        Place(SegmentFiles.Segment segment, long offset, JournalRecord record) {
            this.segment = segment;
            this.offset = offset;
            this.sequence = record.sequence();
            this.appendedAt = record.appendedAt();
            this.size = record.sizeOnDisk();
        }
    }

    /** Sees each record from the cursor on, in order, with its place; answers whether to go on. */
    @FunctionalInterface
    private interface Walker {
        boolean at(SegmentFiles.Segment segment, long offset, JournalRecord record) throws IOException;
    }

    /** The one loop over the records on disk, from the cursor to the end or until {@code walker} stops. */
    private void walkFromCursor(Walker walker) throws IOException {
        Optional<SegmentFiles.Segment> segment = cursorSegment;
        long offset = cursorOffset;
        while (segment.isPresent()) {
            SegmentFiles.Segment current = segment.get();
            try (FileChannel channel = FileChannel.open(current.path, StandardOpenOption.READ)) {
                while (offset < current.size) {
                    JournalRecord record = segments.read(channel, current, offset);
                    if (!walker.at(current, offset, record)) {
                        return;
                    }
                    offset += record.sizeOnDisk();
                }
            }
            segment = segments.after(current);
            offset = 0;
        }
    }

    // ------------------------------------------------------------------------------------------ acknowledge

    /**
     * Records that every record up to {@code sequence} is applied: durably (the marker file), then frees the
     * segments that hold nothing else. Lower values than already acknowledged are ignored.
     */
    public synchronized void acknowledge(long sequence) throws IOException {
        ensureOpen();
        if (sequence <= acknowledged) {
            return;
        }
        if (sequence >= nextSequence) {
            throw new IllegalArgumentException("cannot acknowledge sequence " + sequence
                    + ": the last appended is " + (nextSequence - 1));
        }
        marker.write(sequence);
        acknowledged = sequence;
        advanceCursor();
        segments.deleteThrough(acknowledged);
        if (cursorSegment.isPresent() && !segments.contains(cursorSegment.get())) {
            cursorSegment = segments.first();
            cursorOffset = 0;
            handedOut.clear();
        }
    }

    /** Moves the cursor past acknowledged records, keeping {@link #pending} and {@link #oldestPending}. */
    private void advanceCursor() throws IOException {
        long[] skipped = {0};
        while (!handedOut.isEmpty() && cursorAt(handedOut.peekFirst())) {
            Place next = handedOut.peekFirst();
            cursorSegment = Optional.of(next.segment);
            cursorOffset = next.offset;
            if (next.sequence > acknowledged) {
                oldestPending = Optional.of(next.appendedAt);
                pending -= skipped[0];
                return;
            }
            handedOut.removeFirst();
            cursorOffset += next.size;
            skipped[0]++;
        }
        handedOut.clear();
        boolean[] found = {false};
        oldestPending = Optional.empty();
        walkFromCursor((segment, offset, record) -> {
            cursorSegment = Optional.of(segment);
            cursorOffset = offset;
            if (record.sequence() > acknowledged) {
                oldestPending = Optional.of(record.appendedAt());
                found[0] = true;
                return false;
            }
            skipped[0]++;
            cursorOffset = offset + record.sizeOnDisk();
            return true;
        });
        if (!found[0]) {
            // At the end of the last segment: the next append lands there.
            cursorSegment = segments.last();
            cursorOffset = cursorSegment.map(s -> s.size).orElse(0L);
        }
        pending -= skipped[0];
    }

    /** Whether {@code place} is where the cursor stands; the start of the next segment counts at a segment's end. */
    private boolean cursorAt(Place place) {
        if (cursorSegment.isEmpty()) {
            return false;
        }
        SegmentFiles.Segment at = cursorSegment.get();
        if (place.segment == at) {
            return place.offset == cursorOffset;
        }
        return place.offset == 0 && cursorOffset == at.size
                && segments.after(at).filter(after -> after == place.segment).isPresent();
    }

    // ------------------------------------------------------------------------------------------ dead letters

    /**
     * Moves a record the database refused to the dead letters (fsync'd) with the database's SQLState and
     * message, then acknowledges it: the caller (the one consumer) has applied everything before it.
     */
    public synchronized void deadLetter(JournalRecord record, String sqlState, String message) throws IOException {
        Objects.requireNonNull(record, "record");
        ensureOpen();
        deadLetters.refused(clock.instant(), record, Optional.ofNullable(sqlState), Optional.ofNullable(message));
        acknowledge(record.sequence());
    }

    /**
     * Moves a record that failed authentication to the dead letters, never to be replayed, then acknowledges it:
     * the caller (the one consumer) has applied everything before it.
     *
     * @throws IllegalArgumentException for an authentic record: those are applied or refused by the database
     */
    public synchronized void reject(JournalRecord record) throws IOException {
        Objects.requireNonNull(record, "record");
        if (record.isAuthentic()) {
            throw new IllegalArgumentException("record " + record.sequence() + " is authentic; only the database"
                    + " refuses those");
        }
        ensureOpen();
        deadLetters.unauthentic(clock.instant(), record);
        acknowledge(record.sequence());
    }

    // ------------------------------------------------------------------------------------------ state

    /** Records appended and not yet acknowledged. */
    public synchronized long depth() {
        return pending;
    }

    /** When the oldest record not yet acknowledged was appended; empty when there is none. */
    public synchronized Optional<Instant> oldestPending() {
        return pending == 0 ? Optional.empty() : oldestPending;
    }

    /** Lines in {@code dead-letters.jsonl}: records the database refused or that failed authentication. */
    public synchronized long deadLetterCount() {
        return deadLetters.count();
    }

    /** Of {@link #deadLetterCount()}, the records that failed authentication (edited, or sealed under another key). */
    public synchronized long rejectedCount() {
        return deadLetters.rejected();
    }

    /** Bytes of segment files on disk (what {@code maxBytes} bounds). */
    public synchronized long usedBytes() {
        return segments.usedBytes();
    }

    public long maxBytes() {
        return maxBytes;
    }

    public Path directory() {
        return directory;
    }

    synchronized long acknowledgedSequence() {
        return acknowledged;
    }

    synchronized int segmentCount() {
        return segments.count();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("journal " + directory + " is closed");
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (segments != null) {
                segments.close();
            }
        } finally {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
            } finally {
                lockChannel.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Journal[" + directory + "]";
    }
}
