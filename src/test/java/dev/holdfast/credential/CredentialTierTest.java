package dev.holdfast.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.holdfast.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CredentialTierTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String HASH = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
    private static final Duration TTL = Duration.ofHours(12);

    private final MutableClock clock = new MutableClock();
    private final List<CredentialTier> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() {
        opened.forEach(CredentialTier::close);
    }

    private CredentialTier memory() {
        return track(new CredentialTier(TTL, 100, Optional.empty(), KEY, clock));
    }

    private CredentialTier disk(byte[] key) {
        return track(new CredentialTier(TTL, 100, Optional.of(dir.resolve("tier")), key, clock));
    }

    private CredentialTier track(CredentialTier tier) {
        opened.add(tier);
        return tier;
    }

    private StoredCredential alice() {
        return new StoredCredential("alice", Optional.of("7"), HASH, List.of("admin", "user"), true, clock.instant());
    }

    @Test
    void findsWhatTheDatabaseConfirmedWithinTheTtl() {
        CredentialTier tier = memory();
        tier.remember(alice());
        clock.advance(TTL.minusSeconds(1));
        Optional<StoredCredential> found = tier.find("alice");
        assertEquals(Optional.of(alice().username()), found.map(StoredCredential::username));
        assertEquals(HASH, found.get().passwordHash());
        assertEquals(List.of("admin", "user"), found.get().roles());
        assertEquals(Optional.of("7"), found.get().userId());
    }

    @Test
    void anEntryOlderThanTheTtlIsNotUsedAndIsRemoved() {
        CredentialTier tier = memory();
        tier.remember(alice());
        clock.advance(TTL);
        assertEquals(Optional.empty(), tier.find("alice"));
        clock.set(clock.instant().minus(TTL)); // even with the clock back, the entry is gone
        assertEquals(Optional.empty(), tier.find("alice"));
    }

    @Test
    void rememberingAgainRestartsTheTtl() {
        CredentialTier tier = memory();
        tier.remember(alice());
        clock.advance(Duration.ofHours(11));
        tier.remember(alice());
        clock.advance(Duration.ofHours(11));
        assertTrue(tier.find("alice").isPresent());
    }

    @Test
    void aZeroTtlTurnsTheTierOff() {
        CredentialTier off = track(new CredentialTier(Duration.ZERO, 10, Optional.empty(), KEY, clock));
        off.remember(alice());
        assertEquals(Optional.empty(), off.find("alice"));
        assertEquals(0, off.statistics().entries());
    }

    @Test
    void forgetDropsTheUser() {
        CredentialTier tier = memory();
        tier.remember(alice());
        tier.forget("alice");
        assertEquals(Optional.empty(), tier.find("alice"));
    }

    @Test
    void aDisabledUserIsForgottenNotRemembered() {
        CredentialTier tier = memory();
        tier.remember(alice());
        tier.remember(new StoredCredential("alice", Optional.empty(), HASH, List.of(), false, clock.instant()));
        assertEquals(Optional.empty(), tier.find("alice"));
    }

    @Test
    void unknownUsersAreMisses() {
        CredentialTier tier = memory();
        assertEquals(Optional.empty(), tier.find("nobody"));
        assertEquals(Optional.empty(), tier.find("' OR 1=1 --"));
    }

    @Test
    void canAnswerSaysWhatFindWouldWithoutCountingAHitOrMiss() {
        CredentialTier tier = memory();
        tier.remember(alice());
        assertTrue(tier.canAnswer("alice"));
        assertFalse(tier.canAnswer("nobody"));
        clock.advance(TTL);
        assertFalse(tier.canAnswer("alice"), "past the ttl, as find");
        CredentialTier.Statistics stats = tier.statistics();
        assertEquals(0, stats.hits());
        assertEquals(0, stats.misses());
    }

    @Test
    void countsEntriesHitsAndMisses() {
        CredentialTier tier = memory();
        tier.remember(alice());
        tier.remember(new StoredCredential("bob", Optional.empty(), HASH, List.of(), true, clock.instant()));
        tier.find("alice");
        tier.find("alice");
        tier.find("carol");
        CredentialTier.Statistics stats = tier.statistics();
        assertEquals(2, stats.entries());
        assertEquals(2, stats.hits());
        assertEquals(1, stats.misses());
        assertFalse(stats.persistent());
    }

    @Test
    void holdsAtMostMaxEntriesOnTheHeap() {
        CredentialTier tier = track(new CredentialTier(TTL, 3, Optional.empty(), KEY, clock));
        for (int i = 0; i < 10; i++) {
            tier.remember(new StoredCredential("u" + i, Optional.empty(), HASH, List.of(), true, clock.instant()));
        }
        assertTrue(tier.statistics().entries() <= 3, tier.statistics().toString());
    }

    @Test
    void theDiskTierSurvivesARestart() {
        CredentialTier first = disk(KEY);
        first.remember(alice());
        first.close();
        opened.remove(first);
        CredentialTier second = disk(KEY);
        Optional<StoredCredential> found = second.find("alice");
        assertTrue(found.isPresent());
        assertEquals(HASH, found.get().passwordHash());
        assertTrue(second.statistics().persistent());
        assertEquals(1, second.statistics().entries());
    }

    @Test
    void afterARestartWithAnotherKeyEntriesAreDroppedNotTrusted() {
        CredentialTier first = disk(KEY);
        first.remember(alice());
        first.close();
        opened.remove(first);
        byte[] otherKey = KEY.clone();
        otherKey[5] ^= 1;
        CredentialTier second = disk(otherKey);
        assertEquals(Optional.empty(), second.find("alice"));
    }

    @Test
    void anEntryEditedOnDiskIsDetectedLoggedWithoutTheHashAndDropped() throws IOException {
        CredentialTier first = disk(KEY);
        first.remember(alice());
        first.close();
        opened.remove(first);

        // the disk store shows neither the hash nor the roles: they are encrypted
        assertEquals(0, replaceInFiles(dir, HASH.getBytes(StandardCharsets.UTF_8), HASH.getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, replaceInFiles(dir, "admin".getBytes(StandardCharsets.UTF_8), "admin".getBytes(StandardCharsets.UTF_8)));
        // an attacker with file access changes one byte inside the encrypted entry
        int edited = flipInsideSealedEntry(dir, "alice");
        assertEquals(1, edited, "the entry is stored in exactly one file");

        Logger logger = (Logger) LoggerFactory.getLogger(CredentialTier.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            CredentialTier second = disk(KEY);
            assertEquals(Optional.empty(), second.find("alice"));
            assertEquals(0, second.statistics().entries(), "dropped");
        } finally {
            logger.detachAppender(events);
        }
        List<ILoggingEvent> warnings = events.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .collect(Collectors.toList());
        assertEquals(1, warnings.size(), events.list.toString());
        String message = warnings.get(0).getFormattedMessage();
        assertTrue(message.contains("[alice] failed its integrity check"), message);
        assertFalse(message.contains(HASH) || message.contains("$2b$"), message);
    }

    /**
     * Finds {@code username}'s sealed entry in the tier's files, wherever Ehcache put it, by trying every window of
     * its length (the test knows the key), and flips one bit in the middle of it. Returns the files changed.
     */
    private int flipInsideSealedEntry(Path root, String username) throws IOException {
        SealedCredentials seal = new SealedCredentials(KEY);
        int length = seal.seal(alice()).length;
        int files = 0;
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        for (Path file : all) {
            byte[] content = Files.readAllBytes(file);
            boolean changed = false;
            for (int i = 0; i + length <= content.length; i++) {
                if (content[i] == 2 && seal.open(username, java.util.Arrays.copyOfRange(content, i, i + length)).isPresent()) {
                    content[i + length / 2] ^= 0x01;
                    changed = true;
                }
            }
            if (changed) {
                Files.write(file, content);
                files++;
            }
        }
        return files;
    }

    private static int replaceInFiles(Path root, byte[] from, byte[] to) throws IOException {
        int files = 0;
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        for (Path file : all) {
            byte[] content = Files.readAllBytes(file);
            boolean changed = false;
            for (int i = 0; i + from.length <= content.length; i++) {
                boolean match = true;
                for (int j = 0; j < from.length && match; j++) {
                    match = content[i + j] == from[j];
                }
                if (match) {
                    System.arraycopy(to, 0, content, i, to.length);
                    changed = true;
                }
            }
            if (changed) {
                Files.write(file, content);
                files++;
            }
        }
        return files;
    }

    private static Set<String> threadsStartedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(n -> !n.startsWith("ForkJoinPool"))
                .collect(Collectors.toSet());
    }

    @Test
    void closingAMemoryTierLeavesNoThread() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        CredentialTier tier = memory();
        tier.remember(alice());
        tier.find("alice");
        tier.close();
        opened.remove(tier);
        assertEquals(Set.of(), threadsStartedSince(before));
    }

    @Test
    void closingADiskTierLeavesAtMostEhcachesOneSharedFlushThread() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        CredentialTier tier = disk(KEY);
        tier.remember(alice());
        tier.close();
        opened.remove(tier);
        // Ehcache's disk tier (its shaded offheap-store) keeps one static daemon thread per class loader that no
        // API stops; everything else ends with the cache manager
        Set<String> left = threadsStartedSince(before);
        left.remove(EHCACHE_SHARED_FLUSH_THREAD);
        assertEquals(Set.of(), left);
    }

    private static final String EHCACHE_SHARED_FLUSH_THREAD = "MappedByteBufferSource Async Flush Thread";

    @Test
    void rejectsSettingsThatCannotWork() throws IOException {
        IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class,
                () -> new CredentialTier(Duration.ofSeconds(-1), 10, Optional.empty(), KEY, clock));
        assertEquals("ttl must not be negative: PT-1S", ttl.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new CredentialTier(TTL, 0, Optional.empty(), KEY, clock));
        assertEquals("maxEntries must be at least 1: 0", size.getMessage());
        Path file = Files.createFile(dir.resolve("a-file"));
        IllegalArgumentException notDir = assertThrows(IllegalArgumentException.class,
                () -> new CredentialTier(TTL, 10, Optional.of(file), KEY, clock));
        assertEquals("holdfast: [holdfast.cache.dir] = [" + file + "] is not a directory", notDir.getMessage());
    }

    @Test
    void aDirectoryInUseByAnotherTierIsAClearError() {
        disk(KEY);
        IllegalArgumentException inUse = assertThrows(IllegalArgumentException.class, () -> disk(KEY));
        assertTrue(inUse.getMessage().startsWith("holdfast: credential tier could not start in ["),
                inUse.getMessage());
    }

    @Test
    void theDiskTierLivesInAnOwnerOnlyDirectoryAndRefusesASymbolicLink() throws IOException {
        CredentialTier tier = disk(KEY);
        tier.remember(alice());
        tier.close();
        opened.remove(tier);
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("tier"))));
        disk(KEY); // narrows what Ehcache left with the umask at its last close
        try (Stream<Path> walk = Files.walk(dir.resolve("tier"))) {
            for (Path path : walk.collect(Collectors.toList())) {
                String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                assertEquals(Files.isDirectory(path) ? "rwx------" : "rw-------", mode, path.toString());
            }
        }
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createDirectory(dir.resolve("elsewhere")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CredentialTier(TTL, 100, Optional.of(link), KEY, clock));
        assertEquals("holdfast: [holdfast.cache.dir] = [" + link + "] is a symbolic link", e.getMessage());
    }
}
