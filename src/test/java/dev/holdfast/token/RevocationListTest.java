package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.holdfast.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
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

    @Test
    void remoteFloodNeverPushesOutThisNodesOwnRevocation() {
        RevocationList list = new RevocationList(3, Clock.fixed(Forge.NOW, ZoneOffset.UTC));
        list.revoke("mine", Forge.NOW.plus(Duration.ofMinutes(5)));
        for (int i = 0; i < 10; i++) {
            list.revokeRemote("fake-" + i, Forge.NOW.plus(Duration.ofDays(365 * 900)));
        }
        assertTrue(list.isRevoked("mine"));
        assertEquals(3, list.size());
    }

    @Test
    void localRevocationPushesOutRemoteEntriesFirst() {
        RevocationList list = new RevocationList(2, Clock.fixed(Forge.NOW, ZoneOffset.UTC));
        list.revokeRemote("theirs", Forge.NOW.plus(Duration.ofHours(3)));
        list.revoke("a", Forge.NOW.plus(Duration.ofHours(1)));
        list.revoke("b", Forge.NOW.plus(Duration.ofHours(2)));
        assertFalse(list.isRevoked("theirs"));
        assertTrue(list.isRevoked("a") && list.isRevoked("b"));
    }

    @Test
    void remoteRevocationIsRefusedWhenOnlyLocalEntriesRemain() {
        RevocationList list = new RevocationList(2, Clock.fixed(Forge.NOW, ZoneOffset.UTC));
        list.revoke("a", Forge.NOW.plus(Duration.ofHours(1)));
        list.revoke("b", Forge.NOW.plus(Duration.ofHours(2)));
        list.revokeRemote("theirs", Forge.NOW.plus(Duration.ofHours(3)));
        assertFalse(list.isRevoked("theirs"));
        assertTrue(list.isRevoked("a") && list.isRevoked("b"));
    }

    @Test
    void whenFullOfRemoteEntriesTheSoonestExpiringOneGoes() {
        RevocationList list = new RevocationList(2, Clock.fixed(Forge.NOW, ZoneOffset.UTC));
        list.revokeRemote("soon", Forge.NOW.plus(Duration.ofHours(1)));
        list.revokeRemote("late", Forge.NOW.plus(Duration.ofHours(3)));
        list.revokeRemote("sooner", Forge.NOW.plus(Duration.ofMinutes(30)));
        list.revokeRemote("mid", Forge.NOW.plus(Duration.ofHours(2)));
        assertFalse(list.isRevoked("soon") || list.isRevoked("sooner"));
        assertTrue(list.isRevoked("late") && list.isRevoked("mid"));
    }

    @Test
    void anIdRevokedHereStaysLocalWhenRedisRepeatsIt() {
        RevocationList list = new RevocationList(2, Clock.fixed(Forge.NOW, ZoneOffset.UTC));
        list.revoke("mine", Forge.NOW.plus(Duration.ofMinutes(5)));
        list.revokeRemote("mine", Forge.NOW.plus(Duration.ofMinutes(10)));
        list.revokeRemote("fake-1", Forge.NOW.plus(Duration.ofHours(1)));
        list.revokeRemote("fake-2", Forge.NOW.plus(Duration.ofHours(2)));
        assertTrue(list.isRevoked("mine"));
        assertTrue(list.isRevoked("fake-2"));
    }

    @Test
    void droppingUnexpiredEntriesIsWarnedAtMostOnceAMinute() {
        Logger logger = (Logger) LoggerFactory.getLogger(RevocationList.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try {
            MutableClock clock = new MutableClock(Forge.NOW);
            RevocationList list = new RevocationList(1, clock);
            list.revoke("a", Forge.NOW.plus(Duration.ofHours(1)));
            list.revoke("b", Forge.NOW.plus(Duration.ofHours(1)));
            list.revokeRemote("c", Forge.NOW.plus(Duration.ofHours(1)));
            assertEquals(1, warnings(captured).size());
            clock.advance(Duration.ofMinutes(1));
            list.revoke("d", Forge.NOW.plus(Duration.ofHours(1)));
            List<String> warnings = warnings(captured);
            assertEquals(2, warnings.size());
            assertTrue(warnings.get(1).contains("1 more like it not logged since the last line"), warnings.get(1));
            assertTrue(warnings.get(1).contains("holdfast.jwt.revocations.maxEntries"), warnings.get(1));
        } finally {
            logger.detachAppender(captured);
        }
    }

    private static List<String> warnings(ListAppender<ILoggingEvent> captured) {
        return captured.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }
}
