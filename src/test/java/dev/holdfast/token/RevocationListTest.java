package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RevocationListTest {

    @Test
    void revokedJtiIsRefusedUntilItsTokenExpires() {
        MutableClock clock = new MutableClock(Forge.NOW);
        RevocationList list = new RevocationList(clock);
        list.revoke("a", Forge.NOW.plusSeconds(60));
        assertTrue(list.isRevoked("a"));
        assertFalse(list.isRevoked("b"));
        clock.set(Forge.NOW.plusSeconds(60));
        assertFalse(list.isRevoked("a"));
    }

    @Test
    void expiredEntriesAreDroppedOnTheNextRevocation() {
        MutableClock clock = new MutableClock(Forge.NOW);
        RevocationList list = new RevocationList(clock);
        list.revoke("a", Forge.NOW.plusSeconds(60));
        clock.set(Forge.NOW.plusSeconds(61));
        list.revoke("b", Forge.NOW.plusSeconds(600));
        assertEquals(1, list.size());
    }

    @Test
    void alreadyExpiredTokenIsNotStored() {
        RevocationList list = new RevocationList(Clock.fixed(Forge.NOW, ZoneOffset.UTC));
        list.revoke("a", Forge.NOW);
        assertEquals(0, list.size());
    }

    @Test
    void whenFullEvictsTheSoonestExpiring() {
        RevocationList list = new RevocationList(3, Clock.fixed(Forge.NOW, ZoneOffset.UTC));
        list.revoke("late", Forge.NOW.plus(Duration.ofHours(3)));
        list.revoke("soon", Forge.NOW.plus(Duration.ofHours(1)));
        list.revoke("mid", Forge.NOW.plus(Duration.ofHours(2)));
        list.revoke("new", Forge.NOW.plus(Duration.ofHours(1).plusSeconds(1)));
        assertEquals(3, list.size());
        assertFalse(list.isRevoked("soon"));
        assertTrue(list.isRevoked("late") && list.isRevoked("mid") && list.isRevoked("new"));
    }

    @Test
    void revokingAgainKeepsTheLaterExpiry() {
        MutableClock clock = new MutableClock(Forge.NOW);
        RevocationList list = new RevocationList(clock);
        list.revoke("a", Forge.NOW.plusSeconds(600));
        list.revoke("a", Forge.NOW.plusSeconds(60));
        clock.set(Forge.NOW.plusSeconds(100));
        assertTrue(list.isRevoked("a"));
        assertEquals(1, list.size());
    }

    @Test
    void refusesNonPositiveBound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RevocationList(0, Clock.systemUTC()));
        assertEquals("maxEntries must be at least 1, was 0", e.getMessage());
    }
}
