package dev.holdfast.spool;

import java.util.Optional;

/** Snapshots for tests of what reads them (the constructor is the spool package's own). */
public final class SpoolSnapshots {
    private SpoolSnapshots() {
    }

    public static Spool.Snapshot of(long depth, long deadLetters, long usedBytes, long maxBytes, long replayed) {
        return new Spool.Snapshot(depth, Optional.empty(), deadLetters, usedBytes, maxBytes, Optional.empty(), replayed, 0);
    }
}
