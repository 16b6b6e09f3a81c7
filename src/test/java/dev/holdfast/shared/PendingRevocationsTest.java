package dev.holdfast.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PendingRevocationsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static PendingRevocations.Revocation revocation(String jti, long secondsLeft) {
        return new PendingRevocations.Revocation(jti, NOW.plusSeconds(secondsLeft));
    }

    @Test
    void whenFullTheOneExpiringSoonestIsGivenUp() {
        PendingRevocations pending = new PendingRevocations(2);
        assertTrue(pending.add(revocation("a", 100)));
        assertTrue(pending.add(revocation("b", 10)));
        assertFalse(pending.add(revocation("c", 50)), "one had to go");
        assertEquals(List.of("a", "c"), jtis(pending.take(10, NOW)));
    }

    @Test
    void expiredOnesAreDroppedAndBatchesTakeTheLongestLivedFirst() {
        PendingRevocations pending = new PendingRevocations(10);
        pending.add(revocation("gone", -1));
        pending.add(revocation("short", 5));
        pending.add(revocation("long", 500));
        assertEquals(List.of("long"), jtis(pending.take(1, NOW)));
        assertEquals(1, pending.size());
        List<PendingRevocations.Revocation> batch = pending.take(10, NOW);
        assertEquals(List.of("short"), jtis(batch));
        pending.putBack(batch);
        assertEquals(1, pending.size(), "a batch Redis did not take waits again");
    }

    private static List<String> jtis(List<PendingRevocations.Revocation> batch) {
        return batch.stream().map(r -> r.jti).collect(Collectors.toList());
    }
}
