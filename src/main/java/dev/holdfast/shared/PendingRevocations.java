package dev.holdfast.shared;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Revocations made on this node while Redis could not take them, waiting to be pushed. Bounded like the node's
 * own revocation list and by the same rule: when full, the one whose token expires soonest is given up first.
 * Nothing is given up otherwise before its token expires.
 */
final class PendingRevocations {
    static final int MAX_ENTRIES = 100_000;

    /** One revoked id and when it may be forgotten. */
    static final class Revocation implements Comparable<Revocation> {
        final String jti;
        final Instant expiresAt;

        Revocation(String jti, Instant expiresAt) {
            this.jti = Objects.requireNonNull(jti, "jti");
            this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public int compareTo(Revocation other) {
            int byTime = expiresAt.compareTo(other.expiresAt);
            return byTime != 0 ? byTime : jti.compareTo(other.jti);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Revocation && compareTo((Revocation) o) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(jti, expiresAt);
        }
    }

    private final int maxEntries;
    // guarded by this
    private final TreeSet<Revocation> waiting = new TreeSet<>();

    PendingRevocations(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** @return false when one that expires sooner had to be given up for it */
    synchronized boolean add(Revocation revocation) {
        waiting.add(revocation);
        if (waiting.size() > maxEntries) {
            waiting.pollFirst();
            return false;
        }
        return true;
    }

    /** Takes up to {@code max} of those not yet expired at {@code now}, dropping the expired ones. */
    synchronized List<Revocation> take(int max, Instant now) {
        while (!waiting.isEmpty() && !waiting.first().expiresAt.isAfter(now)) {
            waiting.pollFirst();
        }
        List<Revocation> batch = new ArrayList<>(Math.min(max, waiting.size()));
        while (batch.size() < max && !waiting.isEmpty()) {
            batch.add(waiting.pollLast());
        }
        return batch;
    }

    /** Puts back a batch that could not be pushed. */
    synchronized void putBack(List<Revocation> batch) {
        for (Revocation revocation : batch) {
            add(revocation);
        }
    }

    synchronized int size() {
        return waiting.size();
    }
}
