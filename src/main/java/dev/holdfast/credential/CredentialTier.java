package dev.holdfast.credential;

import dev.holdfast.files.PrivateDirectory;
import dev.holdfast.files.UnsafeDirectoryException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.internal.statistics.DefaultStatisticsService;
import org.ehcache.core.statistics.TierStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credential tier: copies of the hash and roles of users whose password the database verified, read only
 * while the database cannot answer. Built on Ehcache 3, configured in code.
 *
 * <ul>
 *   <li>{@link #remember(StoredCredential)} after each login the database verified; {@link #forget(String)} as
 *       soon as the database says the user is missing or disabled.</li>
 *   <li>{@link #find(String)} returns only entries the database confirmed within {@code ttl} ({@code cache.ttl})
 *       of now.</li>
 *   <li>At most {@code maxEntries} ({@code cache.maxEntries}) on the heap; with a {@code cacheDir}
 *       ({@code cache.dir}) also on disk, surviving a restart. One directory serves one tier at a time
 *       (Ehcache locks it).</li>
 *   <li>Every value is encrypted and authenticated with AES-256-GCM under a key derived from the one given here,
 *       bound to its username (see {@link SealedCredentials}): the disk store shows no hash and no role, and an
 *       entry edited on disk is detected, logged as a WARN without its content, and dropped.</li>
 *   <li>With a {@link SharedCredentialStore}, the nodes of a fleet share their tiers: {@link #find} asks this
 *       node's copy first, then the shared store (a usable shared entry is kept here too); {@link #remember}
 *       writes both; {@link #forget} and {@link #refresh} remove the shared entry. Shared entries are sealed under
 *       a key of their own and checked for tampering, another user's entry, expiry and replay
 *       ({@link SharedTier}); a store that fails or is slow is left alone for a while and never fails a login.</li>
 *   <li>The directory is the application user's alone: created {@code 0700}, its files narrowed to {@code 0600}
 *       at start, and refused when it is a symbolic link, another user's, or writable by group or others
 *       ({@link PrivateDirectory}).</li>
 * </ul>
 * Thread-safe. {@link #close()} closes the cache manager (and with it Ehcache's threads), not the shared store
 * (its owner closes it).
 */
public final class CredentialTier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CredentialTier.class);
    private static final String ALIAS = "holdfast-credentials";
    /** Disk space per entry: a hash of about 100 bytes, a few roles, the MAC; generous so eviction is by count. */
    private static final long DISK_BYTES_PER_ENTRY = 2048;
    /** A shared store call that takes longer than this counts as failed (see {@link SharedCredentialStore}). */
    public static final Duration SLOW_SHARED_CALL = Duration.ofMillis(250);
    /** After a shared store call failed or was slow, reads and writes leave the store alone this long. */
    public static final Duration SHARED_RETRY_AFTER = Duration.ofSeconds(5);
    /** What Holdfast asks its token keys for ({@code Keys.deriveSubkey}) when {@code cache.sharedKey} is not set. */
    public static final String SHARED_SUBKEY_PURPOSE = "holdfast shared credential tier";
    private static final String DECOY_USER = "holdfast credential tier decoy";

    private final Duration ttl;
    private final Clock clock;
    private final SealedCredentials seal;
    /** Sealed once, opened on a miss: a miss costs the same AES work as a hit, so its 503 takes a hit's time. */
    private final byte[] decoy;
    private final Optional<SharedTier> shared;
    private final CacheManager manager;
    private final Cache<String, byte[]> cache;
    private final DefaultStatisticsService statisticsService = new DefaultStatisticsService();
    private final boolean persistent;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /**
     * @param ttl          how long after the database confirmed a user the entry may be used; zero turns the tier
     *                     off (nothing is remembered, nothing found)
     * @param maxEntries   heap entries (at least 1)
     * @param cacheDir     a directory for the persistent disk tier, or empty for memory only
     * @param integrityKey at least 32 bytes; the same key must be given after a restart to read the disk tier
     * @param clock        time source for {@code ttl}
     * @throws IllegalArgumentException when {@code cacheDir} cannot be used
     */
    public CredentialTier(Duration ttl, int maxEntries, Optional<Path> cacheDir, byte[] integrityKey, Clock clock) {
        this(ttl, maxEntries, cacheDir, integrityKey, clock, Optional.empty(), null);
    }

    /**
     * As above, and shared with the other nodes of a fleet through {@code sharedStore} when it is present.
     *
     * @param sharedStore where the nodes share their tiers, or empty for this node alone (exactly the tier above)
     * @param sharedKey   at least 32 bytes, the same on every node sharing the store and never given to the store:
     *                    {@code cache.sharedKey}, or by default {@code Keys.deriveSubkey(SHARED_SUBKEY_PURPOSE)};
     *                    ignored (may be null) without a store
     */
    public CredentialTier(Duration ttl, int maxEntries, Optional<Path> cacheDir, byte[] integrityKey, Clock clock,
                          Optional<SharedCredentialStore> sharedStore, byte[] sharedKey) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
        }
        Objects.requireNonNull(cacheDir, "cacheDir");
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seal = new SealedCredentials(integrityKey);
        this.decoy = seal.seal(SealedCredentials.decoy(DECOY_USER));
        this.persistent = cacheDir.isPresent();
        Objects.requireNonNull(sharedStore, "sharedStore");
        this.shared = ttl.isZero() ? Optional.empty()
                : sharedStore.map(store -> new SharedTier(store, sharedKey, ttl, maxEntries, clock));

        ResourcePoolsBuilder pools = ResourcePoolsBuilder.newResourcePoolsBuilder().heap(maxEntries, EntryUnit.ENTRIES);
        CacheManager built;
        if (cacheDir.isPresent()) {
            Path dir = privateDirectory(cacheDir.get().toAbsolutePath());
            long megabytes = Math.max(1, (maxEntries * DISK_BYTES_PER_ENTRY + (1 << 20) - 1) >> 20);
            built = CacheManagerBuilder.newCacheManagerBuilder()
                    .using(statisticsService)
                    .with(CacheManagerBuilder.persistence(dir.toFile()))
                    .withCache(ALIAS, CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class,
                            byte[].class, pools.disk(megabytes, MemoryUnit.MB, true)))
                    .build();
        } else {
            built = CacheManagerBuilder.newCacheManagerBuilder()
                    .using(statisticsService)
                    .withCache(ALIAS, CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class,
                            byte[].class, pools))
                    .build();
        }
        try {
            built.init();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("holdfast: credential tier could not start"
                    + cacheDir.map(d -> " in [" + d + "] (is another application using it?)").orElse("") + ": "
                    + e.getMessage(), e);
        }
        try {
            cacheDir.ifPresent(d -> narrow(d.toAbsolutePath()));
        } catch (IllegalArgumentException e) {
            built.close();
            throw e;
        }
        this.manager = built;
        this.cache = built.getCache(ALIAS, String.class, byte[].class);
        if (ttl.isZero()) {
            log.info("holdfast: credential tier off (cache.ttl=PT0S): logins fail with 503 while the database is down");
        } else {
            log.info("holdfast: credential tier ttl={} maxEntries={} {}{}", ttl, maxEntries,
                    cacheDir.map(d -> "on disk in [" + d + "]").orElse("in memory only"),
                    shared.isPresent() ? ", shared with the fleet" : "");
        }
    }

    private static Path privateDirectory(Path dir) {
        try {
            return PrivateDirectory.prepare(dir);
        } catch (UnsafeDirectoryException e) {
            throw new IllegalArgumentException("holdfast: [holdfast.cache.dir] = [" + dir + "] " + e.reason(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("holdfast: [holdfast.cache.dir] = [" + dir + "] cannot be created or"
                    + " read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Ehcache creates its files with the umask: narrow what it left from an earlier run (the directory is 0700). */
    private static void narrow(Path dir) {
        try {
            PrivateDirectory.narrowTree(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("holdfast: [holdfast.cache.dir] = [" + dir + "]: cannot set owner-only"
                    + " modes on its files (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Keeps a copy of a credential the database just verified (a disabled one is forgotten instead). */
    public void remember(StoredCredential credential) {
        Objects.requireNonNull(credential, "credential");
        if (ttl.isZero() || !credential.enabled()) {
            forget(credential.username());
            return;
        }
        shared.ifPresent(tier -> tier.seen(credential.username(), credential.confirmedAt()));
        cache.put(credential.username(), seal.seal(credential));
        shared.ifPresent(tier -> tier.put(credential));
    }

    /**
     * Replaces the copy of a user the tier already holds with what the database just said (a changed password
     * must not keep working in the next outage); adds nobody. Unlike {@link #find}, it neither opens the entry
     * nor counts a hit or miss. The shared entry is removed rather than replaced (a store cannot replace only
     * where an entry exists, and a hash whose password the database did not just verify is not shared): the
     * user's next verified login shares them again.
     */
    public void refresh(StoredCredential credential) {
        Objects.requireNonNull(credential, "credential");
        if (!credential.enabled()) {
            forget(credential.username());
        } else if (!ttl.isZero()) {
            shared.ifPresent(tier -> tier.seen(credential.username(), credential.confirmedAt()));
            // Sealed only for a user the tier holds: sealing for everyone made a wrong password cost an AES
            // encryption an unknown user's login did not (LoginTimingIT, database tier). A copy that lands between
            // the look and the replace was verified by the database just now, so keeping it is as good.
            if (cache.containsKey(credential.username())) {
                cache.replace(credential.username(), seal.seal(credential));
            }
            shared.ifPresent(tier -> tier.remove(credential.username()));
        }
    }

    /**
     * The copy of {@code username}'s credential, if the database confirmed it within {@code ttl} of now and the
     * entry is intact: this node's copy, else the shared store's (kept here too). Expired and tampered entries of
     * this node are removed; the shared store's are ignored.
     */
    public Optional<StoredCredential> find(String username) {
        Optional<StoredCredential> found = lookUp(username);
        (found.isPresent() ? hits : misses).incrementAndGet();
        return found;
    }

    /**
     * Whether {@link #find} would return a credential for {@code username} now; unlike it, counts no hit or miss
     * (a login asks this before it knows whether it needs the tier). The database asks it only while it is failing,
     * to decide whether the login may skip waiting for it; a user only the shared store holds is looked up there
     * then (one call, bounded by the store's own timeouts, none while the store is being left alone), and kept
     * here, so the {@link #find} that follows needs no second call.
     */
    public boolean canAnswer(String username) {
        return lookUp(username).isPresent();
    }

    private Optional<StoredCredential> lookUp(String username) {
        Optional<StoredCredential> local = lookUpLocal(username);
        if (local.isPresent() || shared.isEmpty()) {
            return local;
        }
        return shared.get().find(username, copy -> cache.put(username, seal.seal(copy)));
    }

    private Optional<StoredCredential> lookUpLocal(String username) {
        Objects.requireNonNull(username, "username");
        byte[] sealed = cache.get(username);
        if (sealed == null) {
            seal.open(DECOY_USER, decoy);
            return Optional.empty();
        }
        Optional<StoredCredential> opened = seal.open(username, sealed);
        if (opened.isEmpty()) {
            log.warn("holdfast: credential tier entry for user [{}] failed its integrity check"
                    + " (edited, or sealed under another key); dropped", username);
            cache.remove(username); // not remove(k, v): byte[] equality is identity
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!opened.get().confirmedAt().plus(ttl).isAfter(now)) {
            cache.remove(username); // not remove(k, v): byte[] equality is identity
            return Optional.empty();
        }
        return opened;
    }

    /**
     * Drops {@code username}'s copy here and in the shared store: the database says the user is gone or disabled.
     * A shared entry of theirs verified before now is refused here from now on, even if written back.
     */
    public void forget(String username) {
        Objects.requireNonNull(username, "username");
        shared.ifPresent(tier -> tier.seen(username, clock.instant())); // first: no shared copy lands after the removal
        cache.remove(username);
        shared.ifPresent(tier -> tier.remove(username));
    }

    /** Entries held, and hits and misses of {@link #find(String)} since start, for health. */
    public Statistics statistics() {
        Map<String, TierStatistics> tiers = statisticsService.getCacheStatistics(ALIAS).getTierStatistics();
        TierStatistics authority = tiers.get(persistent ? "Disk" : "OnHeap");
        long entries = authority == null ? 0 : authority.getMappings();
        return new Statistics(entries, hits.get(), misses.get(), persistent,
                shared.map(tier -> !tier.skipping()).orElse(false));
    }

    /** Closes the cache manager; with a disk tier, the entries are kept for the next start. */
    @Override
    public void close() {
        manager.close();
    }

    /** What health shows about the tier. */
    public static final class Statistics {
        private final long entries;
        private final long hits;
        private final long misses;
        private final boolean persistent;
        private final boolean shared;

        Statistics(long entries, long hits, long misses, boolean persistent, boolean shared) {
            this.entries = entries;
            this.hits = hits;
            this.misses = misses;
            this.persistent = persistent;
            this.shared = shared;
        }

        public long entries() {
            return entries;
        }

        public long hits() {
            return hits;
        }

        public long misses() {
            return misses;
        }

        /** Whether the tier also lives on disk ({@code cache.dir}). */
        public boolean persistent() {
            return persistent;
        }

        /**
         * Whether a shared store is configured and in use (not left alone after a failure): users other nodes
         * verified can then log in here too.
         */
        public boolean shared() {
            return shared;
        }

        @Override
        public String toString() {
            return "Statistics[entries=" + entries + ", hits=" + hits + ", misses=" + misses + ", persistent="
                    + persistent + ", shared=" + shared + "]";
        }
    }
}
