package dev.holdfast.credential;

import dev.holdfast.logging.RateLimitedLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CredentialTier}'s side of a {@link SharedCredentialStore}: seals what it puts, checks what it gets,
 * and keeps a store that fails or dawdles from slowing logins.
 *
 * <p>An entry read back is used only when it opens under the shared key for exactly the username asked (not
 * edited, not another user's), says enabled, is before both its sealed expiry and its verification plus
 * {@code ttl}, and was verified no earlier than the newest verification or removal this node has seen for that
 * user (an older, once valid entry written back is a replay). Anything else is a miss, logged rate-limited by
 * username and reason only. Bad entries are left in the store: removing one could remove a good entry another
 * node has just written in its place.
 *
 * <p>While the store says it is unavailable ({@link SharedCredentialStore#available()}), and after a call that throws or takes longer than {@link CredentialTier#SLOW_SHARED_CALL}, reads and writes skip
 * the store for {@link CredentialTier#SHARED_RETRY_AFTER}; removals are always tried, as they carry the
 * database's word that a user is gone.
 */
final class SharedTier {
    private static final Logger log = LoggerFactory.getLogger(SharedTier.class);
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    private static final String DECOY_USER = "holdfast shared tier decoy";
    /**
     * The fewest users whose newest word from the database is remembered, whatever the tier's size: every login of
     * an unknown username records one, and a flood of them must not push out the users that matter.
     */
    static final int MIN_REMEMBERED_USERS = 100_000;

    private final SharedCredentialStore store;
    private final SealedCredentials seal;
    private final Duration ttl;
    private final Clock clock;
    private final RateLimitedLog rateLimited;
    /** Per user, the newest verification or removal seen here; bounded, least recently used first. */
    private final Map<String, Instant> newestSeen;
    /** Sealed once, opened on a miss: a miss costs the same AES work as a hit. */
    private final byte[] decoy;
    private volatile Instant skipUntil = Instant.MIN;

    SharedTier(SharedCredentialStore store, byte[] key, Duration ttl, int maxEntries, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.seal = new SealedCredentials(Objects.requireNonNull(key, "sharedKey"), SealedCredentials.Format.SHARED);
        this.ttl = ttl;
        this.clock = clock;
        this.rateLimited = new RateLimitedLog(log, LOG_INTERVAL, clock);
        this.newestSeen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > Math.max(maxEntries, MIN_REMEMBERED_USERS);
            }
        };
        this.decoy = seal.seal(SealedCredentials.decoy(DECOY_USER), Instant.EPOCH);
    }

    /**
     * {@code username}'s shared entry, if usable now, as the copy the local tier may keep: its {@code confirmedAt}
     * moved earlier when needed so that the copy expires no later than the shared entry. {@code keep} is given
     * that copy under the same lock as {@link #seen}, so a copy can never be kept after the database's newer word
     * on the user (callers record that word with {@link #seen} before they change their own copy).
     */
    Optional<StoredCredential> find(String username, Consumer<StoredCredential> keep) {
        Optional<byte[]> sealed = skipping() ? Optional.empty() : call("get", () -> store.get(username));
        if (sealed == null || sealed.isEmpty()) {
            seal.openShared(DECOY_USER, decoy);
            return Optional.empty();
        }
        Optional<SealedCredentials.Opened> opened = seal.openShared(username, sealed.get());
        if (opened.isEmpty() || !opened.get().credential.enabled()) {
            rateLimited.warn("integrity", "holdfast: shared credential tier entry for user [{}] failed its integrity"
                    + " check (edited, another user's entry, or sealed under another key); ignored", username);
            return Optional.empty();
        }
        StoredCredential credential = opened.get().credential;
        Instant expiresAt = min(opened.get().expiresAt, credential.confirmedAt().plus(ttl));
        if (!clock.instant().isBefore(expiresAt)) {
            rateLimited.info("expired", "holdfast: shared credential tier entry for user [{}] has expired; ignored",
                    username);
            return Optional.empty();
        }
        // expiresAt is at most confirmedAt + ttl: confirmed this early, the local copy dies with the shared entry
        StoredCredential copy = new StoredCredential(credential.username(), credential.userId(),
                credential.passwordHash(), credential.roles(), true, expiresAt.minus(ttl));
        synchronized (newestSeen) {
            Instant newest = newestSeen.get(username);
            if (newest != null && credential.confirmedAt().isBefore(newest)) {
                rateLimited.warn("replay", "holdfast: shared credential tier entry for user [{}] is older than what"
                        + " the database said here since (replayed, or written back after a change); ignored",
                        username);
                return Optional.empty();
            }
            seen(username, credential.confirmedAt());
            keep.accept(copy);
        }
        return Optional.of(copy);
    }

    /**
     * Records that the database spoke for {@code username} at {@code at} (verified, changed or removed them): a
     * shared entry verified before that is refused here from now on. Never later than now: clocks differ.
     */
    void seen(String username, Instant at) {
        Instant clamped = min(at, clock.instant());
        synchronized (newestSeen) {
            newestSeen.merge(username, clamped, SharedTier::max);
        }
    }

    /** Shares a credential the database has just verified, until its verification plus {@code ttl}. */
    void put(StoredCredential credential) {
        Instant expiresAt = credential.confirmedAt().plus(ttl);
        Duration left = Duration.between(clock.instant(), expiresAt);
        if (left.isNegative() || left.isZero() || skipping()) {
            return;
        }
        byte[] sealed = seal.seal(credential, expiresAt);
        call("put", () -> {
            store.put(credential.username(), sealed, left);
            return null;
        });
    }

    /** Removes {@code username}'s shared entry; tried even while the store is left alone. */
    void remove(String username) {
        call("remove", () -> {
            store.remove(username);
            return null;
        });
    }

    /**
     * Whether reads and writes leave the store alone now (it failed or was slow recently). A pause that reaches
     * further than {@link CredentialTier#SHARED_RETRY_AFTER} ahead means the wall clock was set back meanwhile:
     * it is over, rather than lasting as long as the clock jumped.
     */
    boolean skipping() {
        if (!store.available()) {
            return true;
        }
        Instant now = clock.instant();
        return now.isBefore(skipUntil) && !skipUntil.isAfter(now.plus(CredentialTier.SHARED_RETRY_AFTER));
    }

    private <T> T call(String operation, Supplier<T> work) {
        Instant start = clock.instant();
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            skipUntil = clock.instant().plus(CredentialTier.SHARED_RETRY_AFTER);
            rateLimited.warn("failed", "holdfast: shared credential store {} failed ({}); using this node's tier"
                    + " alone for {}", operation, e.getClass().getName(), CredentialTier.SHARED_RETRY_AFTER);
            log.debug("shared credential store {} failed", operation, e);
            return null;
        }
        Duration took = Duration.between(start, clock.instant());
        if (took.compareTo(CredentialTier.SLOW_SHARED_CALL) > 0) {
            skipUntil = clock.instant().plus(CredentialTier.SHARED_RETRY_AFTER);
            rateLimited.warn("slow", "holdfast: shared credential store {} took {} ms (more than {} ms); using this"
                    + " node's tier alone for {}", operation, took.toMillis(),
                    CredentialTier.SLOW_SHARED_CALL.toMillis(), CredentialTier.SHARED_RETRY_AFTER);
        }
        return result;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
