package dev.holdfast.spool;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** One record read back from a {@link Journal}: its place in the order, its id, when it was appended, its bytes. */
public final class JournalRecord {
    private final long sequence;
    private final UUID id;
    private final Instant appendedAt;
    private final byte[] payload;

    JournalRecord(long sequence, UUID id, Instant appendedAt, byte[] payload) {
        this.sequence = sequence;
        this.id = Objects.requireNonNull(id, "id");
        this.appendedAt = Objects.requireNonNull(appendedAt, "appendedAt");
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    /** Strictly increasing within one journal directory, also across restarts. */
    public long sequence() {
        return sequence;
    }

    /** Unique per record; the key of exactly-once replay ({@link AppliedWrites}). */
    public UUID id() {
        return id;
    }

    public Instant appendedAt() {
        return appendedAt;
    }

    public byte[] payload() {
        return payload.clone();
    }

    int payloadLength() {
        return payload.length;
    }

    @Override
    public String toString() {
        // Never the payload: it may hold the values an application wrote.
        return "JournalRecord[sequence=" + sequence + ", id=" + id + ", appendedAt=" + appendedAt
                + ", bytes=" + payload.length + "]";
    }
}
