package dev.holdfast.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one durable journal in Holdfast: an append-only, bounded, crash-safe queue of opaque records in a
 * directory, read back in order and acknowledged once they are safely elsewhere (the database).
 *
 * <h2>Files in the directory</h2>
 * <ul>
 *   <li>{@code segment-<first sequence, 20 digits>.log}: records, appended in order. A new segment starts when
 *       the current one would exceed {@code segmentBytes}. A segment whose records are all acknowledged is
 *       deleted.</li>
 *   <li>{@code acknowledged}: one line, {@code acknowledged <N>}: every record with sequence &lt;= N has been
 *       applied (or dead-lettered). Written to {@code acknowledged.tmp}, fsync'd, renamed over the old one and
 *       the directory fsync'd, so after a crash it holds either the old or the new N, never a torn value.</li>
 *   <li>{@code dead-letters.jsonl}: one JSON object per record the database refused (SQLState, its message,
 *       the record's sequence, id and payload in Base64), fsync'd; kept until an operator deals with it.</li>
 *   <li>{@code lock}: held with an OS file lock while the journal is open, so two processes (the web
 *       application and {@link SpoolCommand}) never append to or replay one directory at once. The OS
 *       releases it when the process dies, also on {@code kill -9}.</li>
 * </ul>
 *
 * <h2>Record format (big-endian, version 1)</h2>
 * <pre>
 * offset size field
 *  0     4    magic      0x48464A52 ("HFJR")
 *  4     1    version    1
 *  5     4    length     payload length in bytes
 *  9     4    crc        CRC32C of bytes 4..8 (version, length) and 13..end (sequence to payload)
 * 13     8    sequence   strictly increasing, also across restarts
 * 21     16   id         UUID (most, then least significant 64 bits)
 * 37     8    appendedAt epoch milliseconds
 * 45     n    payload
 * </pre>
 * A record is valid only when the magic, version, length and CRC all check and its sequence is above the
 * previous one. At open, every segment is scanned; the first invalid record of the last segment is a torn
 * tail (the process died mid-write): the segment is truncated there and a WARN line says how many records
 * were kept and how many bytes dropped. Records before it are never lost, and no record whose
 * {@link #append} returned is ever torn, because {@code append} returns only after {@code force}.
 * An invalid record in an earlier segment is disk damage, not a crash: it is truncated the same way and
 * logged at ERROR. A record of an unknown (newer) version stops the open instead of being truncated.
 *
 * <p>Thread-safe: appends are serialised (one writer at a time, in sequence order); reading and acknowledging
 * are meant for one consumer, the {@link Replayer}.
 */
public final class Journal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    static final int MAGIC = 0x48464A52;
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 45;
    /** Longest payload accepted; longer would be a bug, not a write. */
    static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
    static final String ACKNOWLEDGED = "acknowledged";
    static final String DEAD_LETTERS = "dead-letters.jsonl";
    private static final Pattern SEGMENT_NAME = Pattern.compile("segment-(\\d{20})\\.log");
    private static final long DEFAULT_SEGMENT_BYTES = 4L * 1024 * 1024;

    private final Path directory;
    private final long maxBytes;
    private final long segmentBytes;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;

    // All below guarded by "this".
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment active;
    private FileChannel activeChannel;
    private long nextSequence;
    private long acknowledged;
    private long usedBytes;
    private long pending;
    /** First record with sequence > acknowledged: its segment and byte offset (or the end of the journal). */
    private Segment cursorSegment;
    private long cursorOffset;
    private Instant oldestPending;
    private long deadLetters;
    private boolean closed;

    private Journal(Path directory, long maxBytes, long segmentBytes, Clock clock,
                    FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating if needed) the journal in {@code directory}, holding at most {@code maxBytes}. */
    public static Journal open(Path directory, long maxBytes) throws IOException {
        return open(directory, maxBytes, Math.max(HEADER_BYTES, Math.min(DEFAULT_SEGMENT_BYTES, maxBytes / 8)),
                Clock.systemUTC());
    }

    /**
     * Opens the journal; {@code segmentBytes} is the size at which a new segment file starts (the unit in
     * which acknowledged space is given back).
     */
    public static Journal open(Path directory, long maxBytes, long segmentBytes, Clock clock) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        if (maxBytes < HEADER_BYTES + 1) {
            throw new IllegalArgumentException("maxBytes must be at least " + (HEADER_BYTES + 1) + ", was " + maxBytes);
        }
        if (segmentBytes < HEADER_BYTES || segmentBytes > maxBytes) {
            throw new IllegalArgumentException("segmentBytes must be between " + HEADER_BYTES + " and maxBytes ("
                    + maxBytes + "), was " + segmentBytes);
        }
        Files.createDirectories(directory);
        FileChannel lockChannel = FileChannel.open(directory.resolve("lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("journal " + directory + " is already open (in this or another process)");
        }
        Journal journal = new Journal(directory, maxBytes, segmentBytes, clock, lockChannel, lock);
        try {
            journal.recover();
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    // ------------------------------------------------------------------------------------------ recovery

    private synchronized void recover() throws IOException {
        Files.deleteIfExists(directory.resolve(ACKNOWLEDGED + ".tmp"));
        acknowledged = readAcknowledged();
        deadLetters = countDeadLetters();
        List<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "segment-*.log")) {
            for (Path file : files) {
                Matcher m = SEGMENT_NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    found.add(new Segment(Long.parseLong(m.group(1)), file));
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.firstSequence, b.firstSequence));
        long lastSequence = 0;
        for (int i = 0; i < found.size(); i++) {
            Segment segment = found.get(i);
            lastSequence = scan(segment, lastSequence, i == found.size() - 1);
            segments.put(segment.firstSequence, segment);
        }
        nextSequence = Math.max(lastSequence, acknowledged) + 1;
        deleteAcknowledgedSegments();
        for (Segment segment : segments.values()) {
            usedBytes += segment.size;
            if (segment.lastSequence > acknowledged) {
                pending += segment.records;
            }
        }
        // Every remaining segment ends above the acknowledged sequence and was counted in full; moving the
        // cursor past the acknowledged records at the head subtracts those.
        Segment first = segments.isEmpty() ? null : segments.firstEntry().getValue();
        cursorSegment = first;
        cursorOffset = 0;
        advanceCursor();
        Map.Entry<Long, Segment> last = segments.lastEntry();
        if (last != null && last.getValue().size < segmentBytes) {
            active = last.getValue();
            activeChannel = FileChannel.open(active.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        log.info("journal {}: opened; {} pending records, next sequence {}, {} dead letters",
                directory, pending, nextSequence, deadLetters);
    }

    /** Reads every record of a segment, truncating at the first invalid one. Returns the last good sequence. */
    private long scan(Segment segment, long previousSequence, boolean last) throws IOException {
        try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long fileSize = channel.size();
            long offset = 0;
            long sequence = previousSequence;
            String problem = null;
            while (offset < fileSize) {
                Header header = readHeader(channel, offset, fileSize);
                if (header.problem != null) {
                    problem = header.problem;
                    break;
                }
                if (header.sequence <= sequence) {
                    problem = "sequence " + header.sequence + " not above " + sequence;
                    break;
                }
                sequence = header.sequence;
                segment.lastSequence = sequence;
                segment.records++;
                offset += HEADER_BYTES + header.length;
            }
            if (problem != null) {
                channel.truncate(offset);
                channel.force(true);
                if (last) {
                    log.warn("journal {}: torn tail in {} ({}): kept {} records, dropped {} bytes",
                            directory, segment.path.getFileName(), problem, segment.records, fileSize - offset);
                } else {
                    log.error("journal {}: damaged record in {} ({}): kept {} records, dropped {} bytes",
                            directory, segment.path.getFileName(), problem, segment.records, fileSize - offset);
                }
            }
            segment.size = offset;
            return sequence;
        }
    }

    private long readAcknowledged() throws IOException {
        Path file = directory.resolve(ACKNOWLEDGED);
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return 0;
        }
        Matcher m = Pattern.compile("acknowledged (\\d{1,19})").matcher(text);
        if (!m.matches()) {
            // Never guess here: a wrong guess either replays everything or skips records.
            throw new IOException("journal " + directory + ": " + file.getFileName()
                    + " does not read 'acknowledged <sequence>'");
        }
        return Long.parseLong(m.group(1));
    }

    private long countDeadLetters() throws IOException {
        Path file = directory.resolve(DEAD_LETTERS);
        if (!Files.exists(file)) {
            return 0;
        }
        long count = 0;
        for (byte b : Files.readAllBytes(file)) {
            if (b == '\n') {
                count++;
            }
        }
        return count;
    }

    // ------------------------------------------------------------------------------------------ append

    /** Appends a record with a fresh random id. Durable on return. */
    public JournalRecord append(byte[] payload) throws IOException, JournalFullException {
        return append(UUID.randomUUID(), payload);
    }

    /**
     * Appends a record with the given id, durable (fsync'd) on return. Callers pass an id they already used
     * when a first attempt may have reached the database (its commit lost in flight), so replay can tell.
     *
     * @throws JournalFullException when the record would take the journal past {@code maxBytes}
     */
    public JournalRecord append(UUID id, byte[] payload) throws IOException, JournalFullException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        int size = HEADER_BYTES + payload.length;
        if (payload.length > MAX_PAYLOAD_BYTES || size > maxBytes) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes is larger than journal "
                    + directory + " can ever hold");
        }
        synchronized (this) {
            ensureOpen();
            if (usedBytes + size > maxBytes) {
                throw new JournalFullException("journal " + directory + " is full: " + usedBytes + " of "
                        + maxBytes + " bytes hold " + pending + " records not yet accepted by the database"
                        + (oldestPending == null ? "" : ", the oldest appended at " + oldestPending));
            }
            if (active != null && !activeChannel.isOpen()) {
                reopenActive();
            }
            if (active == null || (active.size + size > segmentBytes && active.records > 0)) {
                startSegment();
            }
            Instant now = clock.instant();
            JournalRecord record = new JournalRecord(nextSequence, id, Instant.ofEpochMilli(now.toEpochMilli()),
                    payload.clone());
            ByteBuffer buffer = encode(record);
            long start = active.size;
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
            active.size += size;
            active.records++;
            active.lastSequence = record.sequence();
            usedBytes += size;
            nextSequence++;
            pending++;
            if (cursorSegment == null) {
                cursorSegment = active;
                cursorOffset = start;
            }
            if (oldestPending == null) {
                oldestPending = record.appendedAt();
            }
            return record;
        }
    }

    /**
     * An appending thread that was interrupted closed the channel (NIO closes an interruptible channel on
     * interrupt). That append failed and said so; open the segment again, dropping whatever it half wrote.
     */
    private void reopenActive() throws IOException {
        activeChannel = FileChannel.open(active.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        activeChannel.truncate(active.size);
        activeChannel.force(true);
        log.info("journal {}: reopened {} after an interrupted append", directory, active.path.getFileName());
    }

    private void startSegment() throws IOException {
        Segment segment = new Segment(nextSequence,
                directory.resolve(String.format("segment-%020d.log", nextSequence)));
        // Open the new segment before letting go of the old one: a failure here leaves the journal as it was.
        FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            forceDirectory();
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
        if (cursorSegment == null) {
            cursorSegment = segment;
            cursorOffset = 0;
        }
    }

    static ByteBuffer encode(JournalRecord record) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + record.payloadLength());
        byte[] payload = record.payload();
        buffer.putInt(MAGIC).put(VERSION).putInt(payload.length).putInt(0)
                .putLong(record.sequence())
                .putLong(record.id().getMostSignificantBits()).putLong(record.id().getLeastSignificantBits())
                .putLong(record.appendedAt().toEpochMilli())
                .put(payload);
        buffer.putInt(9, crc(buffer.array()));
        buffer.flip();
        return buffer;
    }

    private static int crc(byte[] record) {
        CRC32C crc = new CRC32C();
        crc.update(record, 4, 5);
        crc.update(record, 13, record.length - 13);
        return (int) crc.getValue();
    }

    // ------------------------------------------------------------------------------------------ read

    /** Up to {@code max} records not yet acknowledged, oldest first. */
    public synchronized List<JournalRecord> readPending(int max) throws IOException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        ensureOpen();
        List<JournalRecord> records = new ArrayList<>();
        if (cursorSegment == null) {
            return records;
        }
        Segment segment = cursorSegment;
        long offset = cursorOffset;
        while (segment != null && records.size() < max) {
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
                while (offset < segment.size && records.size() < max) {
                    JournalRecord record = readRecord(channel, offset, segment.size);
                    if (record.sequence() > acknowledged) {
                        records.add(record);
                    }
                    offset += HEADER_BYTES + record.payloadLength();
                }
            }
            Map.Entry<Long, Segment> next = segments.higherEntry(segment.firstSequence);
            segment = next == null ? null : next.getValue();
            offset = 0;
        }
        return records;
    }

    /** Receives records one at a time from {@link #forEachPending}. */
    @FunctionalInterface
    public interface Visitor {
        void visit(JournalRecord record) throws IOException;
    }

    /**
     * Hands every pending record, oldest first, to {@code visitor} without holding them all in memory (for
     * {@link SpoolCommand}). Appends wait meanwhile.
     */
    public synchronized void forEachPending(Visitor visitor) throws IOException {
        Objects.requireNonNull(visitor, "visitor");
        ensureOpen();
        Segment segment = cursorSegment;
        long offset = cursorOffset;
        while (segment != null) {
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
                while (offset < segment.size) {
                    JournalRecord record = readRecord(channel, offset, segment.size);
                    if (record.sequence() > acknowledged) {
                        visitor.visit(record);
                    }
                    offset += HEADER_BYTES + record.payloadLength();
                }
            }
            Map.Entry<Long, Segment> next = segments.higherEntry(segment.firstSequence);
            segment = next == null ? null : next.getValue();
            offset = 0;
        }
    }

    private JournalRecord readRecord(FileChannel channel, long offset, long size) throws IOException {
        Header header = readHeader(channel, offset, size);
        if (header.problem != null) {
            // Checked at open and written by us since: the disk changed under us.
            throw new IOException("journal " + directory + ": record at offset " + offset + " is damaged ("
                    + header.problem + ")");
        }
        return new JournalRecord(header.sequence, header.id, Instant.ofEpochMilli(header.appendedAtMillis),
                header.payload);
    }

    private static Header readHeader(FileChannel channel, long offset, long size) throws IOException {
        Header header = new Header();
        if (size - offset < HEADER_BYTES) {
            header.problem = "incomplete header";
            return header;
        }
        ByteBuffer fixed = ByteBuffer.allocate(HEADER_BYTES);
        readFully(channel, fixed, offset);
        fixed.flip();
        if (fixed.getInt(0) != MAGIC) {
            header.problem = "bad magic";
            return header;
        }
        byte version = fixed.get(4);
        if (version != VERSION) {
            throw new IOException("journal record at offset " + offset + " has version " + version
                    + "; this holdfast reads version " + VERSION + " (written by a newer holdfast?)");
        }
        int length = fixed.getInt(5);
        if (length < 0 || length > MAX_PAYLOAD_BYTES || length > size - offset - HEADER_BYTES) {
            header.problem = "incomplete payload";
            return header;
        }
        byte[] whole = new byte[HEADER_BYTES + length];
        System.arraycopy(fixed.array(), 0, whole, 0, HEADER_BYTES);
        ByteBuffer payload = ByteBuffer.wrap(whole, HEADER_BYTES, length);
        readFully(channel, payload, offset + HEADER_BYTES);
        if (crc(whole) != fixed.getInt(9)) {
            header.problem = "CRC mismatch";
            return header;
        }
        header.length = length;
        header.sequence = fixed.getLong(13);
        header.id = new UUID(fixed.getLong(21), fixed.getLong(29));
        header.appendedAtMillis = fixed.getLong(37);
        header.payload = new byte[length];
        System.arraycopy(whole, HEADER_BYTES, header.payload, 0, length);
        return header;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of journal segment at " + at);
            }
            at += n;
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
        writeAcknowledged(sequence);
        acknowledged = sequence;
        advanceCursor();
        deleteAcknowledgedSegments();
    }

    private void writeAcknowledged(long sequence) throws IOException {
        Path tmp = directory.resolve(ACKNOWLEDGED + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer text = ByteBuffer.wrap(("acknowledged " + sequence + "\n").getBytes(StandardCharsets.US_ASCII));
            while (text.hasRemaining()) {
                channel.write(text);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, directory.resolve(ACKNOWLEDGED), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("journal " + directory + " needs a file system with atomic rename", e);
        }
        forceDirectory();
    }

    /** Moves the cursor past acknowledged records, keeping {@link #pending} and {@link #oldestPending}. */
    private void advanceCursor() throws IOException {
        long skipped = 0;
        oldestPending = null;
        while (cursorSegment != null) {
            boolean found = false;
            try (FileChannel channel = FileChannel.open(cursorSegment.path, StandardOpenOption.READ)) {
                while (cursorOffset < cursorSegment.size) {
                    Header header = readHeader(channel, cursorOffset, cursorSegment.size);
                    if (header.problem != null) {
                        throw new IOException("journal " + directory + ": record at offset " + cursorOffset
                                + " of " + cursorSegment.path.getFileName() + " is damaged (" + header.problem + ")");
                    }
                    if (header.sequence > acknowledged) {
                        oldestPending = Instant.ofEpochMilli(header.appendedAtMillis);
                        found = true;
                        break;
                    }
                    skipped++;
                    cursorOffset += HEADER_BYTES + header.length;
                }
            }
            if (found) {
                break;
            }
            Map.Entry<Long, Segment> next = segments.higherEntry(cursorSegment.firstSequence);
            if (next == null) {
                break; // at the end of the last segment: the next append lands here
            }
            cursorSegment = next.getValue();
            cursorOffset = 0;
        }
        pending -= skipped;
    }

    private void deleteAcknowledgedSegments() throws IOException {
        boolean deleted = false;
        Iterator<Segment> it = segments.values().iterator();
        while (it.hasNext()) {
            Segment segment = it.next();
            boolean empty = segment.records == 0;
            boolean done = empty ? segment != active && segment != segments.lastEntry().getValue()
                    : segment.lastSequence <= acknowledged;
            if (!done) {
                break;
            }
            if (segment == active) {
                activeChannel.close();
                activeChannel = null;
                active = null;
            }
            if (segment == cursorSegment) {
                cursorSegment = null;
                cursorOffset = 0;
            }
            Files.deleteIfExists(segment.path);
            usedBytes -= segment.size;
            it.remove();
            deleted = true;
        }
        if (cursorSegment == null && !segments.isEmpty()) {
            cursorSegment = segments.firstEntry().getValue();
            cursorOffset = 0;
        }
        if (deleted) {
            forceDirectory();
        }
    }

    // ------------------------------------------------------------------------------------------ dead letters

    /**
     * Moves a record the database refused to {@code dead-letters.jsonl} (fsync'd) with the database's SQLState
     * and message, then acknowledges it: the caller (the one consumer) has applied everything before it.
     */
    public synchronized void deadLetter(JournalRecord record, String sqlState, String message) throws IOException {
        Objects.requireNonNull(record, "record");
        ensureOpen();
        StringBuilder line = new StringBuilder(256);
        line.append("{\"deadAt\":").append(Json.quote(clock.instant().toString()))
                .append(",\"sequence\":").append(record.sequence())
                .append(",\"id\":").append(Json.quote(record.id().toString()))
                .append(",\"appendedAt\":").append(Json.quote(record.appendedAt().toString()))
                .append(",\"sqlState\":").append(sqlState == null ? "null" : Json.quote(sqlState))
                .append(",\"message\":").append(message == null ? "null" : Json.quote(message))
                .append(",\"payload\":").append(Json.quote(Base64.getEncoder().encodeToString(record.payload())))
                .append("}\n");
        Path file = directory.resolve(DEAD_LETTERS);
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long end = channel.size();
            if (end > 0) {
                ByteBuffer lastByte = ByteBuffer.allocate(1);
                readFully(channel, lastByte, end - 1);
                if (lastByte.get(0) != '\n') {
                    // A crash tore the previous line: start ours on a fresh one.
                    line.insert(0, '\n');
                }
            }
            ByteBuffer bytes = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes, end + bytes.position());
            }
            channel.force(true);
        }
        if (created) {
            forceDirectory();
        }
        deadLetters++;
        acknowledge(record.sequence());
    }

    // ------------------------------------------------------------------------------------------ state

    /** Records appended and not yet acknowledged. */
    public synchronized long depth() {
        return pending;
    }

    /** When the oldest record not yet acknowledged was appended; empty when there is none. */
    public synchronized Optional<Instant> oldestPending() {
        return Optional.ofNullable(pending == 0 ? null : oldestPending);
    }

    /** Lines in {@code dead-letters.jsonl}: records the database refused. */
    public synchronized long deadLetterCount() {
        return deadLetters;
    }

    /** Bytes of segment files on disk (what {@code maxBytes} bounds). */
    public synchronized long usedBytes() {
        return usedBytes;
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
        return segments.size();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("journal " + directory + " is closed");
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (activeChannel != null) {
                activeChannel.close();
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

    private static final class Segment {
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

    private static final class Header {
        String problem;
        int length;
        long sequence;
        UUID id;
        long appendedAtMillis;
        byte[] payload;
    }
}
