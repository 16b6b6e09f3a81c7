package dev.holdfast.token;

import dev.holdfast.logging.RateLimitedLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revoked token ids ({@code jti}) on this node, in memory, each kept only until its token expires.
 *
 * <p>Two kinds of entries: this node's own logouts ({@link #revoke}) and ids heard from other nodes
 * ({@link #revokeRemote}). Bounded: when {@code maxEntries} are held, expired entries are dropped first, then the
 * remote entry that would expire soonest, and only then this node's own soonest (a token that dies soonest by
 * itself matters least). A remote entry never pushes out a local one: whoever can write the shared store cannot
 * flood this list to make a token this node revoked valid again. Dropping or refusing an unexpired entry is
 * logged at WARN, at most once a minute. Lookups are lock-free; revocations (rare: logouts) take a lock.
 */
public final class RevocationList implements Revoker {
    private static final Logger log = LoggerFactory.getLogger(RevocationList.class);
    private static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private final Map<String, Entry> byJti = new ConcurrentHashMap<>();
    private final NavigableSet<Entry> localByExpiry = new ConcurrentSkipListSet<>();
    private final NavigableSet<Entry> remoteByExpiry = new ConcurrentSkipListSet<>();
    private final int maxEntries;
    private final Clock clock;
    private final RateLimitedLog rateLimited;

    public RevocationList(int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rateLimited = new RateLimitedLog(log, WARN_INTERVAL, clock);
    }

    public RevocationList(Clock clock) {
        this(DEFAULT_MAX_ENTRIES, clock);
    }

    /** This node's own logout: refuses the token with this {@code jti} until {@code expiresAt} (an expired one is not stored). */
    @Override
    public synchronized void revoke(String jti, Instant expiresAt) {
        add(jti, expiresAt, true);
    }

    /**
     * A revocation heard from another node: as {@link #revoke}, but it only pushes out other remote entries, and is
     * refused when the list is full of this node's own.
     */
    public synchronized void revokeRemote(String jti, Instant expiresAt) {
        add(jti, expiresAt, false);
    }

    private void add(String jti, Instant expiresAt, boolean local) {
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            return;
        }
        Entry previous = byJti.get(jti);
        if (previous != null) {
            boolean stillLocal = local || previous.local;
            if (!expiresAt.isAfter(previous.expiresAt) && stillLocal == previous.local) {
                return;
            }
            remove(previous);
            expiresAt = expiresAt.isAfter(previous.expiresAt) ? expiresAt : previous.expiresAt;
            local = stillLocal;
        }
        dropExpired(localByExpiry, now);
        dropExpired(remoteByExpiry, now);
        Entry entry = new Entry(expiresAt, jti, local);
        while (byJti.size() >= maxEntries) {
            Entry victim = remoteByExpiry.isEmpty() ? (local ? localByExpiry.first() : null) : remoteByExpiry.first();
            if (victim == null || (!local && entry.compareTo(victim) < 0)) {
                warnDropped("a revocation heard from another node was refused");
                return;
            }
            remove(victim);
            warnDropped(victim.local ? "one of this node's own revocations was dropped"
                    : "a revocation heard from another node was dropped");
        }
        byJti.put(jti, entry);
        (local ? localByExpiry : remoteByExpiry).add(entry);
    }

    /** Whether the token with this {@code jti} was revoked and has not yet expired. */
    public boolean isRevoked(String jti) {
        Objects.requireNonNull(jti, "jti");
        Entry entry = byJti.get(jti);
        return entry != null && entry.expiresAt.isAfter(clock.instant());
    }

    /** Entries held, including ones expired but not yet dropped. */
    public int size() {
        return byJti.size();
    }

    private void remove(Entry entry) {
        byJti.remove(entry.jti, entry);
        (entry.local ? localByExpiry : remoteByExpiry).remove(entry);
    }

    private void dropExpired(NavigableSet<Entry> byExpiry, Instant now) {
        Entry first;
        while ((first = byExpiry.isEmpty() ? null : byExpiry.first()) != null && !first.expiresAt.isAfter(now)) {
            remove(first);
        }
    }

    private void warnDropped(String what) {
        rateLimited.warn("full", "holdfast: the revocation list is full ({} entries): {} before its token expired;"
                + " raise holdfast.jwt.revocations.maxEntries above logouts per second x (jwt.ttl + jwt.clockSkew)",
                maxEntries, what);
    }

    private static final class Entry implements Comparable<Entry> {
        final Instant expiresAt;
        final String jti;
        final boolean local;

        Entry(Instant expiresAt, String jti, boolean local) {
            this.expiresAt = expiresAt;
            this.jti = jti;
            this.local = local;
        }

        @Override
        public int compareTo(Entry other) {
            int byTime = expiresAt.compareTo(other.expiresAt);
            return byTime != 0 ? byTime : jti.compareTo(other.jti);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry && compareTo((Entry) o) == 0 && local == ((Entry) o).local;
        }

        @Override
        public int hashCode() {
            return Objects.hash(expiresAt, jti, local);
        }
    }
}
