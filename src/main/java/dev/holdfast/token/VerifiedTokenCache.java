package dev.holdfast.token;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tokens this node has verified, so a client sending the same token again costs a hash and a lookup instead of a
 * signature check and a parse. Keyed on the SHA-256 of every byte of the token (never a prefix): equal keys
 * compare the whole digest, and the token itself is not kept (a heap dump shows digests, not bearer tokens).
 *
 * <p>An entry is only a shortcut to the same answer: {@link TokenVerifier} uses it only while the token is
 * still within {@code exp} plus the clock skew, after asking the revocation list on every hit, and only while
 * the key set is the one it was verified under (a refreshed remote JWK Set drops every entry on its next use).
 *
 * <p>Bounded: when {@code maxEntries} are held, one inserting thread drops the expired entries and then, if
 * still over 7/8 of the bound, arbitrary ones (a concurrent hash map iterates in no useful order, which is as
 * good as random here), so inserts cost amortised constant time. Other threads insert meanwhile, so the map can
 * exceed the bound by the number of threads inserting at that moment.
 */
final class VerifiedTokenCache {

    /** The SHA-256 of a token as four longs: equal only when all 256 bits are. */
    static final class Key {
        private final long a;
        private final long b;
        private final long c;
        private final long d;

        Key(byte[] digest) {
            this.a = longAt(digest, 0);
            this.b = longAt(digest, 8);
            this.c = longAt(digest, 16);
            this.d = longAt(digest, 24);
        }

        private static long longAt(byte[] bytes, int at) {
            long value = 0;
            for (int i = at; i < at + 8; i++) {
                value = value << 8 | (bytes[i] & 0xFF);
            }
            return value;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return ((a ^ k.a) | (b ^ k.b) | (c ^ k.c) | (d ^ k.d)) == 0;
        }

        @Override
        public int hashCode() {
            return (int) (a ^ (a >>> 32));
        }
    }

    /** What a first verification produced, and what decides whether it still holds. */
    static final class Entry {
        final Verification verification;
        final String jti;
        /** {@code exp} plus the clock skew, in seconds: from then on the verifier says EXPIRED. */
        final double acceptedUntil;
        /** The key set the token was verified under ({@link Keys#generation()}). */
        final Object generation;

        Entry(Verification verification, String jti, double acceptedUntil, Object generation) {
            this.verification = verification;
            this.jti = jti;
            this.acceptedUntil = acceptedUntil;
            this.generation = generation;
        }
    }

    private final ConcurrentHashMap<Key, Entry> entries;
    private final int maxEntries;
    private final AtomicBoolean evicting = new AtomicBoolean();

    VerifiedTokenCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new ConcurrentHashMap<>(Math.min(maxEntries, 1024));
    }

    Entry get(Key key) {
        return entries.get(key);
    }

    void remove(Key key, Entry entry) {
        entries.remove(key, entry);
    }

    void put(Key key, Entry entry, double nowSeconds) {
        if (entries.size() >= maxEntries && evicting.compareAndSet(false, true)) {
            try {
                evict(nowSeconds);
            } finally {
                evicting.set(false);
            }
        }
        entries.put(key, entry);
    }

    int size() {
        return entries.size();
    }

    private void evict(double nowSeconds) {
        entries.values().removeIf(e -> nowSeconds >= e.acceptedUntil);
        int target = maxEntries - Math.max(1, maxEntries / 8);
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > target && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
