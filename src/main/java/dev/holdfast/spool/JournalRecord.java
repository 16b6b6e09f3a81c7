package dev.holdfast.spool;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One record read back from a {@link Journal}: its place in the order, its id, when it was appended, its bytes,
 * and whether it was sealed under the journal's key ({@link #authenticity()}); only authentic records are ever
 * replayed.
 */
public final class JournalRecord {
    private final long sequence;
    private final UUID id;
    private final Instant appendedAt;
    private final byte[] payload;
    private final Authenticity authenticity;
    private final long keyId;
    private final byte[] mac;
    private final int sizeOnDisk;

    JournalRecord(long sequence, UUID id, Instant appendedAt, byte[] payload, Authenticity authenticity, long keyId,
                  byte[] mac, int sizeOnDisk) {
        this.sequence = sequence;
        this.id = Objects.requireNonNull(id, "id");
        this.appendedAt = Objects.requireNonNull(appendedAt, "appendedAt");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.authenticity = Objects.requireNonNull(authenticity, "authenticity");
        this.keyId = keyId;
        this.mac = Objects.requireNonNull(mac, "mac");
        this.sizeOnDisk = sizeOnDisk;
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

    /** Whether Holdfast sealed this record under the journal's key. */
    public Authenticity authenticity() {
        return authenticity;
    }

    public boolean isAuthentic() {
        return authenticity == Authenticity.AUTHENTIC;
    }

    /** The id of the key the record names (0 for an unsealed record). */
    long keyId() {
        return keyId;
    }

    /** The record's MAC as stored (empty for an unsealed record). */
    byte[] mac() {
        return mac.clone();
    }

    int payloadLength() {
        return payload.length;
    }

    /** Header and payload: how far the next record starts. */
    int sizeOnDisk() {
        return sizeOnDisk;
    }

    @Override
    public String toString() {
        // Never the payload: it may hold the values an application wrote.
        return "JournalRecord[sequence=" + sequence + ", id=" + id + ", appendedAt=" + appendedAt
                + ", bytes=" + payload.length + ", " + authenticity.description() + "]";
    }
}
