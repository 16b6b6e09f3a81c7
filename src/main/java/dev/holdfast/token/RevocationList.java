package dev.holdfast.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Revoked token ids ({@code jti}) on this node, in memory, each kept only until its token expires.
 *
 * <p>Bounded: when {@code maxEntries} are held, expired entries are dropped first and then the entry that
 * would expire soonest, because that token is the one whose revocation matters least (it dies soonest by
 * itself). Lookups are lock-free; revocations (rare: logouts) take a lock.
 */
public final class RevocationList implements Revoker {

    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private final Map<String, Instant> expiryByJti = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Entry> byExpiry = new ConcurrentSkipListSet<>();
    private final int maxEntries;
    private final Clock clock;

    public RevocationList(int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public RevocationList(Clock clock) {
        this(DEFAULT_MAX_ENTRIES, clock);
    }

    /** Refuses the token with this {@code jti} until {@code expiresAt}; a token already expired is not stored. */
    @Override
    public synchronized void revoke(String jti, Instant expiresAt) {
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            return;
        }
        Instant previous = expiryByJti.get(jti);
        if (previous != null) {
            if (!expiresAt.isAfter(previous)) {
                return;
            }
            byExpiry.remove(new Entry(previous, jti));
            expiryByJti.remove(jti);
        }
        dropExpired(now);
        while (expiryByJti.size() >= maxEntries) {
            Entry soonest = byExpiry.pollFirst();
            if (soonest == null) {
                break;
            }
            expiryByJti.remove(soonest.jti);
        }
        expiryByJti.put(jti, expiresAt);
        byExpiry.add(new Entry(expiresAt, jti));
    }

    /** Whether the token with this {@code jti} was revoked and has not yet expired. */
    public boolean isRevoked(String jti) {
        Objects.requireNonNull(jti, "jti");
        Instant expiresAt = expiryByJti.get(jti);
        return expiresAt != null && expiresAt.isAfter(clock.instant());
    }

    /** Entries held, including ones expired but not yet dropped. */
    public int size() {
        return expiryByJti.size();
    }

    private void dropExpired(Instant now) {
        Entry first;
        while ((first = byExpiry.isEmpty() ? null : byExpiry.first()) != null && !first.expiresAt.isAfter(now)) {
            byExpiry.remove(first);
            expiryByJti.remove(first.jti, first.expiresAt);
        }
    }

    private static final class Entry implements Comparable<Entry> {
        final Instant expiresAt;
        final String jti;

        Entry(Instant expiresAt, String jti) {
            this.expiresAt = expiresAt;
            this.jti = jti;
        }

        @Override
        public int compareTo(Entry other) {
            int byTime = expiresAt.compareTo(other.expiresAt);
            return byTime != 0 ? byTime : jti.compareTo(other.jti);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry && compareTo((Entry) o) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(expiresAt, jti);
        }
    }
}
