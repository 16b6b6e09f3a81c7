package dev.holdfast.writes;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;

/** What became of one critical write: applied now (with its update count) or spooled under its id. */
public final class Written {
    private final boolean spooled;
    private final UUID id;
    private final OptionalInt updateCount;

    private Written(boolean spooled, UUID id, OptionalInt updateCount) {
        this.spooled = spooled;
        this.id = Objects.requireNonNull(id, "id");
        this.updateCount = updateCount;
    }

    static Written applied(UUID id, int updateCount) {
        return new Written(false, id, OptionalInt.of(updateCount));
    }

    static Written spooled(UUID id) {
        return new Written(true, id, OptionalInt.empty());
    }

    public boolean spooled() {
        return spooled;
    }

    public UUID id() {
        return id;
    }

    /** Rows changed; present only when applied now. */
    public OptionalInt updateCount() {
        return updateCount;
    }

    @Override
    public String toString() {
        return spooled ? "Written[SPOOLED, " + id + "]" : "Written[APPLIED, " + id + ", " + updateCount.getAsInt() + " rows]";
    }
}
