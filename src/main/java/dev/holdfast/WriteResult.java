package dev.holdfast;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;

/** What {@link CriticalWrites#execute} did with a write. */
public final class WriteResult {
    /** Applied now, or saved in the journal to be applied once the database answers. */
    public enum Status {
        /** Committed in the database now. */
        APPLIED,
        /** The database could not answer; the write is in the durable journal ("saved, will be synced"). */
        SPOOLED
    }

    private final Status status;
    private final UUID id;
    private final OptionalInt updateCount;

    WriteResult(Status status, UUID id, OptionalInt updateCount) {
        this.status = Objects.requireNonNull(status, "status");
        this.id = Objects.requireNonNull(id, "id");
        this.updateCount = Objects.requireNonNull(updateCount, "updateCount");
    }

    public Status status() {
        return status;
    }

    /** The write's id, also its key in {@code holdfast_applied_writes} once applied. */
    public UUID id() {
        return id;
    }

    /** Rows the statement changed; present only when {@link Status#APPLIED}. */
    public OptionalInt updateCount() {
        return updateCount;
    }

    @Override
    public String toString() {
        return "WriteResult[" + status + ", " + id + (updateCount.isPresent() ? ", " + updateCount.getAsInt() + " rows" : "") + "]";
    }
}
