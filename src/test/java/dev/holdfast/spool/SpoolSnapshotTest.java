package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.holdfast.db.DatabaseUnavailableException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpoolSnapshotTest {
    @Test
    void reportsDepthOldestDeadLettersAndWhyReplayWaits() {
        Spool.Snapshot waiting = new Spool.Snapshot(3, Optional.of(Instant.parse("2026-11-26T21:00:00Z")), 1, 300,
                1000, Optional.of(DatabaseUnavailableException.Reason.TIMEOUT), 7, 1);
        assertEquals("{\"depth\":3,\"oldestPending\":\"2026-11-26T21:00:00Z\",\"deadLetters\":1,\"usedBytes\":300,"
                + "\"maxBytes\":1000,\"waitingFor\":\"TIMEOUT\",\"replayed\":7,\"rejected\":1}", waiting.toJson());
        Spool.Snapshot idle = new Spool.Snapshot(0, Optional.empty(), 0, 0, 1000, Optional.empty(), 0, 0);
        assertEquals("{\"depth\":0,\"oldestPending\":null,\"deadLetters\":0,\"usedBytes\":0,\"maxBytes\":1000,"
                + "\"waitingFor\":null,\"replayed\":0,\"rejected\":0}", idle.toJson());
    }
}
