package dev.holdfast.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Lock-out by failures per (username, client) and per client, in bounded memory.
 *
 * <p>Keyed by user and client together, not by user alone, so that a stranger cannot lock a user out
 * from everywhere; the per-client count stops one client from spraying many usernames. Only failures
 * the database (or its emergency replica) judged count: failures while it is down are never recorded,
 * as in Tomcat's {@code LockOutRealm}. The oldest entries are dropped first when the map is full; that
 * can only shorten a lock, never lock anyone out.
 */
public final class Throttle {
    static final int MAX_TRACKED = 100_000;

    private final int maxFailures;
    private final int maxClientFailures;
    private final Duration lockout;
    private final Clock clock;
    private final Map<String, Failures> failures = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    public Throttle(int maxFailures, int maxClientFailures, Duration lockout, Clock clock) {
        if (maxFailures < 1 || maxClientFailures < 1) {
            throw new IllegalArgumentException("maxFailures and maxClientFailures must be at least 1");
        }
        this.maxFailures = maxFailures;
        this.maxClientFailures = maxClientFailures;
        this.lockout = Objects.requireNonNull(lockout, "lockout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How long this user and client must wait, or empty when an attempt may go ahead. */
    public synchronized Optional<Duration> blockedFor(String username, String client) {
        Instant now = clock.instant();
        Duration user = remaining(userKey(username, client), maxFailures, now);
        Duration whole = remaining(clientKey(client), maxClientFailures, now);
        Duration longest = user.compareTo(whole) >= 0 ? user : whole;
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    /** Counts a failure the database judged (wrong password, unknown or disabled user). */
    public synchronized void recordFailure(String username, String client) {
        Instant now = clock.instant();
        count(userKey(username, client), now);
        count(clientKey(client), now);
    }

    /** A good password clears this user's count from this client (not the client's overall count). */
    public synchronized void recordSuccess(String username, String client) {
        failures.remove(userKey(username, client));
    }

    synchronized int tracked() {
        return failures.size();
    }

    private Duration remaining(String key, int limit, Instant now) {
        Failures entry = failures.get(key);
        if (entry == null || entry.count < limit) {
            return Duration.ZERO;
        }
        Instant until = entry.last.plus(lockout);
        if (!until.isAfter(now)) {
            failures.remove(key);
            return Duration.ZERO;
        }
        return Duration.between(now, until);
    }

    private void count(String key, Instant now) {
        Failures entry = failures.get(key);
        if (entry == null || !entry.last.plus(lockout).isAfter(now)) {
            entry = new Failures();
            failures.put(key, entry);
        }
        entry.count++;
        entry.last = now;
    }

    private static String userKey(String username, String client) {
        // Case-folded so that "Alice" and "alice" share one count whatever the database's collation.
        return "u\u0000" + username.toLowerCase(Locale.ROOT) + "\u0000" + client;
    }

    private static String clientKey(String client) {
        return "c\u0000" + client;
    }

    private static final class Failures {
        int count;
        Instant last;
    }
}
