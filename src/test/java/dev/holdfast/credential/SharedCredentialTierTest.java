package dev.holdfast.credential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.holdfast.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Two nodes' tiers sharing one store: what one verified the other finds, and nothing the store is made to say else. */
class SharedCredentialTierTest {
    private static final byte[] LOCAL_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHARED_KEY = "shared-key-shared-key-shared-key".getBytes(StandardCharsets.US_ASCII);
    private static final String OLD_HASH = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
    private static final String NEW_HASH = "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
    private static final Duration TTL = Duration.ofHours(12);

    private final MutableClock clock = new MutableClock();
    private final InMemorySharedCredentialStore store = new InMemorySharedCredentialStore(clock);
    private final List<CredentialTier> opened = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger sharedLog = (Logger) LoggerFactory.getLogger(SharedTier.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        sharedLog.addAppender(logged);
    }

    @AfterEach
    void closeAll() {
        sharedLog.detachAppender(logged);
        opened.forEach(CredentialTier::close);
    }

    private CredentialTier node() {
        return node(TTL);
    }

    private CredentialTier node(Duration ttl) {
        CredentialTier tier = new CredentialTier(ttl, 100, Optional.empty(), LOCAL_KEY, clock, Optional.of(store),
                SHARED_KEY);
        opened.add(tier);
        return tier;
    }

    private StoredCredential user(String name, String hash) {
        return new StoredCredential(name, Optional.of("7"), hash, List.of("admin", "user"), true, clock.instant());
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    private void assertNothingSecretLogged() {
        String base64Key = Base64.getEncoder().encodeToString(SHARED_KEY);
        for (ILoggingEvent event : logged.list) {
            String line = event.getFormattedMessage();
            assertFalse(line.contains(OLD_HASH) || line.contains(NEW_HASH), line);
            assertFalse(line.contains(new String(SHARED_KEY, StandardCharsets.US_ASCII)) || line.contains(base64Key), line);
        }
    }

    @Test
    void aUserVerifiedOnOneNodeIsFoundOnAnotherAndKeptThere() {
        CredentialTier a = node();
        CredentialTier b = node();
        a.remember(user("alice", OLD_HASH));
        assertEquals(Optional.of(TTL), store.lastTtl("alice"));

        clock.advance(Duration.ofHours(1));
        Optional<StoredCredential> found = b.find("alice");
        assertEquals(Optional.of(OLD_HASH), found.map(StoredCredential::passwordHash));
        assertEquals(List.of("admin", "user"), found.get().roles());
        assertEquals(Optional.of("7"), found.get().userId());
        assertEquals(1, b.statistics().hits());

        store.remove("alice");
        int gets = store.gets();
        assertTrue(b.find("alice").isPresent(), "a shared hit is kept in the node's own tier");
        assertEquals(gets, store.gets(), "and found there without asking the store");
    }

    @Test
    void theLocalCopyOfASharedEntryExpiresWithIt() {
        CredentialTier a = node();
        CredentialTier b = node();
        a.remember(user("alice", OLD_HASH));
        clock.advance(TTL.minusMinutes(1));
        assertTrue(b.find("alice").isPresent());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), b.find("alice"), "copied an hour before its end, the copy ends with the entry");
    }

    @Test
    void theStoreHoldsNeitherTheHashNorTheRoles() {
        node().remember(user("alice", OLD_HASH));
        String stored = new String(store.raw("alice").orElseThrow(), StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains(OLD_HASH));
        assertFalse(stored.contains("admin"));
    }

    @Test
    void everyFlippedByteIsIgnoredAndLoggedRateLimitedWithoutTheHash() {
        CredentialTier a = node();
        CredentialTier b = node();
        a.remember(user("alice", OLD_HASH));
        byte[] sealed = store.raw("alice").orElseThrow();
        for (int i = 0; i < sealed.length; i++) {
            byte[] edited = sealed.clone();
            edited[i] ^= 0x01;
            store.write("alice", edited);
            assertEquals(Optional.empty(), b.find("alice"), "byte " + i);
            assertFalse(b.canAnswer("alice"), "byte " + i);
        }
        assertEquals(1, warnings().size(), "one line per minute, not one per entry: " + warnings());
        assertTrue(warnings().get(0).contains("[alice] failed its integrity check"), warnings().get(0));

        clock.advance(Duration.ofMinutes(1));
        byte[] truncated = java.util.Arrays.copyOf(sealed, sealed.length - 1);
        store.write("alice", truncated);
        assertEquals(Optional.empty(), b.find("alice"));
        assertEquals(2, warnings().size());
        assertTrue(warnings().get(1).contains(2 * sealed.length - 1 + " more like it"), warnings().get(1));
        assertNothingSecretLogged();

        store.write("alice", sealed);
        assertTrue(b.find("alice").isPresent(), "the genuine entry still opens");
    }

    @Test
    void anEntryMovedToAnotherUsersNameIsIgnored() {
        CredentialTier a = node();
        CredentialTier b = node();
        a.remember(user("mallory", OLD_HASH));
        a.remember(user("alice", NEW_HASH));
        store.write("alice", store.raw("mallory").orElseThrow());
        assertEquals(Optional.empty(), b.find("alice"));
        assertTrue(warnings().get(0).contains("[alice] failed its integrity check"), warnings().toString());
        assertTrue(b.find("mallory").isPresent(), "mallory's own entry is still hers");
    }

    @Test
    void anEntrySealedUnderAnotherKeyOrInTheLocalFormatIsIgnored() {
        CredentialTier other = new CredentialTier(TTL, 100, Optional.empty(), LOCAL_KEY, clock, Optional.of(store),
                LOCAL_KEY);
        opened.add(other);
        other.remember(user("alice", OLD_HASH));
        assertEquals(Optional.empty(), node().find("alice"));

        store.write("alice", new SealedCredentials(SHARED_KEY).seal(user("alice", OLD_HASH)));
        assertEquals(Optional.empty(), node().find("alice"), "a local-format entry under the shared key");
    }

    @Test
    void anExpiredEntryWrittenBackIsIgnored() {
        CredentialTier a = node();
        a.remember(user("alice", OLD_HASH));
        byte[] sealed = store.raw("alice").orElseThrow();
        clock.advance(TTL);
        store.write("alice", sealed);
        CredentialTier b = node();
        assertEquals(Optional.empty(), b.find("alice"));
        assertTrue(logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains("[alice] has expired")));
    }

    @Test
    void aNodeWithAShorterTtlUsesItsOwn() {
        node().remember(user("alice", OLD_HASH));
        clock.advance(Duration.ofHours(2));
        assertEquals(Optional.empty(), node(Duration.ofHours(1)).find("alice"));
        assertTrue(node(Duration.ofHours(3)).find("alice").isPresent());
    }

    @Test
    void anOlderEntryWrittenBackAfterTheDatabaseDisabledTheUserIsRefused() {
        CredentialTier a = node();
        CredentialTier b = node();
        a.remember(user("alice", OLD_HASH));
        byte[] beforeDisable = store.raw("alice").orElseThrow();
        assertTrue(b.find("alice").isPresent());

        clock.advance(Duration.ofMinutes(5));
        b.forget("alice"); // the database said disabled, on node B
        assertEquals(Optional.empty(), store.raw("alice"), "removed from the shared store at once");
        assertEquals(Optional.empty(), b.find("alice"), "and from B's own tier");

        store.write("alice", beforeDisable);
        assertEquals(Optional.empty(), b.find("alice"), "B saw the database remove her: an older entry is a replay");
        assertTrue(warnings().stream().anyMatch(w -> w.contains("[alice] is older than what the database said here")),
                warnings().toString());
        assertNothingSecretLogged();
    }

    @Test
    void anOldPasswordsEntryWrittenBackAfterAChangeIsRefusedWhereTheChangeWasSeen() {
        CredentialTier a = node();
        CredentialTier b = node();
        a.remember(user("alice", OLD_HASH));
        byte[] oldPassword = store.raw("alice").orElseThrow();

        clock.advance(Duration.ofHours(1));
        b.refresh(user("alice", NEW_HASH)); // B's database answered with the new hash (a mistyped login)
        assertEquals(Optional.empty(), store.raw("alice"), "a changed user leaves the shared store");
        store.write("alice", oldPassword);
        assertEquals(Optional.empty(), b.find("alice"));

        clock.advance(Duration.ofMinutes(1));
        a.remember(user("alice", NEW_HASH)); // then verified with the new password on A
        assertEquals(Optional.of(NEW_HASH), b.find("alice").map(StoredCredential::passwordHash),
                "a newer entry is taken");
    }

    @Test
    void aNodeThatNeverSawTheChangeTakesAReplayedEntryUntilItExpires() {
        // The documented limit: without a shared secret counter, only nodes that saw the database speak refuse it.
        CredentialTier a = node();
        a.remember(user("alice", OLD_HASH));
        byte[] oldPassword = store.raw("alice").orElseThrow();
        clock.advance(Duration.ofHours(1));
        a.remember(user("alice", NEW_HASH));
        store.write("alice", oldPassword);
        assertEquals(Optional.of(OLD_HASH), node().find("alice").map(StoredCredential::passwordHash));
        clock.advance(TTL);
        assertEquals(Optional.empty(), node().find("alice"));
    }

    @Test
    void aFailingStoreNeverFailsTheTierAndIsLeftAloneForAWhile() {
        CredentialTier tier = node();
        assertTrue(tier.statistics().shared());
        store.onEveryCall(operation -> {
            throw new IllegalStateException("connection refused (test)");
        });
        tier.remember(user("alice", OLD_HASH));
        assertFalse(tier.statistics().shared(), "health shows the store left alone");
        assertTrue(tier.find("alice").isPresent(), "the node's own copy still answers");
        assertEquals(Optional.empty(), tier.find("bob"));
        assertFalse(tier.canAnswer("carol"));
        assertEquals(1, store.puts());
        assertEquals(0, store.gets(), "no read while the store is left alone");

        tier.forget("alice");
        assertEquals(1, store.removes(), "removals are tried even then");
        assertEquals(Optional.empty(), tier.find("alice"));
        assertEquals(1, warnings().size(), warnings().toString());
        assertTrue(warnings().get(0).contains("put failed (java.lang.IllegalStateException)"), warnings().get(0));

        clock.advance(CredentialTier.SHARED_RETRY_AFTER);
        store.onEveryCall(operation -> { });
        tier.remember(user("alice", OLD_HASH));
        assertTrue(node().find("alice").isPresent(), "used again after the pause");
        assertTrue(tier.statistics().shared());
    }

    /** A client that fails by answering empty (its breaker open) says so: health must not count on the store. */
    @Test
    void aStoreThatSaysItIsUnavailableIsNeitherReadNorWrittenNorCountedOn() {
        CredentialTier a = node();
        a.remember(user("alice", OLD_HASH));
        store.available(false);
        CredentialTier b = node();
        assertFalse(b.statistics().shared(), "health: the store cannot answer now");
        int gets = store.gets();
        assertEquals(Optional.empty(), b.find("alice"));
        assertFalse(b.canAnswer("alice"));
        b.remember(user("bob", OLD_HASH));
        assertEquals(gets, store.gets());
        assertEquals(1, store.puts(), "only alice's, made while the store was available");
        store.available(true);
        assertTrue(b.statistics().shared());
        assertTrue(b.find("alice").isPresent());
    }

    /** The pause after a failure is measured on the wall clock: set back by an hour, it must not last an hour. */
    @Test
    void aPauseEndsWhenTheWallClockIsSetBackDuringIt() {
        CredentialTier tier = node();
        store.onEveryCall(operation -> {
            throw new IllegalStateException("connection refused (test)");
        });
        tier.remember(user("alice", OLD_HASH));
        assertFalse(tier.statistics().shared(), "paused after the failure");
        store.onEveryCall(operation -> { });
        clock.set(clock.instant().minus(Duration.ofHours(1)));
        assertTrue(tier.statistics().shared(), "the pause is over, not an hour longer");
    }

    @Test
    void aSlowStoreIsLeftAloneForAWhileAndItsAnswerStillUsed() {
        CredentialTier a = node();
        CredentialTier b = node();
        a.remember(user("alice", OLD_HASH));
        a.remember(user("bob", OLD_HASH));
        store.onEveryCall(operation -> clock.advance(CredentialTier.SLOW_SHARED_CALL.plusMillis(1)));
        assertTrue(b.find("alice").isPresent(), "the slow answer is still an answer");
        int gets = store.gets();
        assertEquals(Optional.empty(), b.find("bob"));
        assertFalse(b.canAnswer("bob"));
        assertEquals(gets, store.gets(), "no read while left alone");
        assertTrue(warnings().get(0).contains("get took"), warnings().toString());

        store.onEveryCall(operation -> { });
        clock.advance(CredentialTier.SHARED_RETRY_AFTER);
        assertTrue(b.find("bob").isPresent());
    }

    @Test
    void aDisabledUserLeavesBothTiersAtOnce() {
        CredentialTier a = node();
        CredentialTier b = node();
        a.remember(user("alice", OLD_HASH));
        assertTrue(b.find("alice").isPresent());
        StoredCredential disabled = new StoredCredential("alice", Optional.of("7"), OLD_HASH, List.of(), false,
                clock.instant());
        b.remember(disabled);
        assertEquals(Optional.empty(), store.raw("alice"));
        assertEquals(Optional.empty(), b.find("alice"));
        assertEquals(Optional.empty(), node().find("alice"), "a node that never held her cannot get her back");
    }

    @Test
    void canAnswerLooksASharedUserUpOnceAndFindUsesThatCopy() {
        node().remember(user("alice", OLD_HASH));
        CredentialTier b = node();
        assertTrue(b.canAnswer("alice"));
        assertFalse(b.canAnswer("bob"));
        int gets = store.gets();
        assertTrue(b.find("alice").isPresent());
        assertEquals(gets, store.gets());
        assertEquals(1, b.statistics().hits(), "canAnswer counts no hit");
    }

    @Test
    void aHitAndAMissReadTheStoreOnceEach() {
        node().remember(user("alice", OLD_HASH));
        CredentialTier b = node();
        int before = store.gets();
        b.find("alice");
        assertEquals(before + 1, store.gets());
        b.find("nobody");
        assertEquals(before + 2, store.gets());
    }

    @Test
    void withoutAStoreNothingIsShared() {
        CredentialTier alone = new CredentialTier(TTL, 100, Optional.empty(), LOCAL_KEY, clock);
        opened.add(alone);
        alone.remember(user("alice", OLD_HASH));
        assertFalse(alone.statistics().shared());
        assertEquals(0, store.puts());
    }

    @Test
    void aTierTurnedOffSharesNothing() {
        CredentialTier off = node(Duration.ZERO);
        off.remember(user("alice", OLD_HASH));
        off.forget("alice");
        assertEquals(Optional.empty(), off.find("alice"));
        assertEquals(0, store.puts() + store.gets() + store.removes());
    }

    @Test
    void theSealedBytesGoToTheStoreUnchangedAndOpenOnEveryNode() {
        node().remember(user("alice", OLD_HASH));
        byte[] first = store.raw("alice").orElseThrow();
        node().remember(user("alice", OLD_HASH));
        byte[] second = store.raw("alice").orElseThrow();
        assertFalse(java.util.Arrays.equals(first, second), "a fresh nonce per entry");
        store.write("alice", first);
        assertArrayEquals(first, store.raw("alice").orElseThrow());
        assertTrue(node().find("alice").isPresent());
    }
}
