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
 * from everywhere; the per-client count stops one client from spraying many usernames.
 *
 * <p>An attempt is asked about with {@link #begin} before the lookup (a locked-out user costs no query), and
 * reserved atomically right before its password is checked ({@link Attempt#reserve()} against the database's
 * hash, {@link Attempt#beforeTier()} against the credential tier's): a reserved attempt counts as a failure
 * until it is settled, so with {@code maxFailures} = 5 twenty parallel guesses get at most five checked, never
 * twenty. A login still waiting for the database holds no reservation, so calls stuck on a dead database never
 * block a user's next attempt (through the emergency login, say). The attempt is then settled by what it came
 * to:
 * <ul>
 *   <li>a failure the database (or its emergency replica) judged counts for every later attempt;</li>
 *   <li>a failure the credential tier judged, while the database could not answer, is <em>unconfirmed</em>: it
 *       counts only for attempts the credential tier would answer. A login the database answers again ignores
 *       unconfirmed failures, so an outage never locks anyone out of the database (as in Tomcat's
 *       {@code LockOutRealm}), yet guessing against the tier is limited too;</li>
 *   <li>a success clears this user's count from this client (a database success both counts, a tier success
 *       the unconfirmed one); an attempt no tier could answer counts as nothing.</li>
 * </ul>
 * Every count lapses {@code lockout} after its last failure. The oldest entries are dropped first when the map
 * is full; that can only shorten a lock, never lock anyone out.
 *
 * <p>With {@link FleetFailures}, the failures the database judged are also counted fleet-wide: an attempt is
 * refused when either this node's count or the fleet's reaches a limit, so guesses spread over nodes lock the
 * account too. The fleet is read once per attempt at {@link #begin} (not at all when this node's own counts
 * refuse it) and told of each settlement, never while this throttle's lock is held; when it cannot answer, this
 * node's counts alone apply. A fleet count never locks out for longer than {@code lockout}, whatever time the
 * store reports left.
 */
public final class Throttle {
    static final int MAX_TRACKED = 100_000;
    /** The wait told to a client refused only because other attempts of its own are still being checked. */
    static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(1);

    private final int maxFailures;
    private final int maxClientFailures;
    private final Duration lockout;
    private final Clock clock;
    private final FleetFailures fleet;
    private final Map<String, Failures> failures = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    public Throttle(int maxFailures, int maxClientFailures, Duration lockout, Clock clock) {
        this(maxFailures, maxClientFailures, lockout, clock, FleetFailures.NONE);
    }

    /** A throttle whose database-judged failures also count across the fleet. */
    public Throttle(int maxFailures, int maxClientFailures, Duration lockout, Clock clock, FleetFailures fleet) {
        if (maxFailures < 1 || maxClientFailures < 1) {
            throw new IllegalArgumentException("maxFailures and maxClientFailures must be at least 1");
        }
        this.maxFailures = maxFailures;
        this.maxClientFailures = maxClientFailures;
        this.lockout = Objects.requireNonNull(lockout, "lockout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /**
     * Asks whether an attempt by this user and client may start: refused ({@link Attempt#refusedFor()}) when the
     * failures the database judged plus the attempts being checked reach a limit. Nothing is reserved yet; close
     * the attempt when done.
     */
    public Attempt begin(String username, String client) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(client, "client");
        String userKey = userKey(username, client);
        String clientKey = clientKey(client);
        if (fleet != FleetFailures.NONE) {
            synchronized (this) {
                // Locked out here already: the fleet cannot let it in, so a locked-out client costs no call to it.
                Duration wait = refusal(userKey, clientKey, false, clock.instant(), Optional.empty());
                if (!wait.isZero()) {
                    return new Attempt(userKey, clientKey, wait, Optional.empty());
                }
            }
        }
        // Alone (no fleet), one look at this node's counts, as every attempt costs the same whoever is asked.
        Optional<FleetFailures.Counts> fleetCounts = fleet.read(userKey, clientKey);
        synchronized (this) {
            Duration wait = refusal(userKey, clientKey, false, clock.instant(), fleetCounts);
            return new Attempt(userKey, clientKey, wait, fleetCounts);
        }
    }

    synchronized int tracked() {
        return failures.size();
    }

    /** How long a new check must wait under both limits; zero when it may go ahead. Leaves no empty entry. */
    private Duration refusal(String userKey, String clientKey, boolean inTier, Instant now,
                             Optional<FleetFailures.Counts> fleetCounts) {
        Failures user = current(userKey, now);
        Failures whole = current(clientKey, now);
        Duration wait = longest(user.refusal(maxFailures, inTier, lockout, now),
                whole.refusal(maxClientFailures, inTier, lockout, now));
        if (fleetCounts.isPresent()) {
            FleetFailures.Counts counts = fleetCounts.get();
            wait = longest(wait, longest(fleetRefusal(counts.user(), counts.userRemaining(), user.inFlight, maxFailures),
                    fleetRefusal(counts.client(), counts.clientRemaining(), whole.inFlight, maxClientFailures)));
        }
        forgetIfEmpty(user);
        forgetIfEmpty(whole);
        return wait;
    }

    private Failures current(String key, Instant now) {
        Failures entry = failures.get(key);
        if (entry == null) {
            entry = new Failures(key);
            failures.put(key, entry);
        }
        entry.lapse(lockout, now);
        return entry;
    }

    /** Entries with nothing counted and nothing in flight are dropped: memory holds failures, not every login. */
    private void forgetIfEmpty(Failures entry) {
        if (entry.count == 0 && entry.unconfirmed == 0 && entry.inFlight == 0) {
            failures.remove(entry.key, entry);
        }
    }

    /**
     * The wait under one fleet count. It already holds this node's settled failures, so only the attempts in
     * flight here are added to it (never the local count a second time).
     */
    private Duration fleetRefusal(long count, Duration remaining, int inFlight, int limit) {
        if (count >= limit) {
            // Capped: whatever Redis says, no fleet count locks anyone out for longer than the lockout.
            return remaining.isNegative() || remaining.isZero() || remaining.compareTo(lockout) > 0 ? lockout : remaining;
        }
        return count + inFlight >= limit ? IN_FLIGHT_WAIT : Duration.ZERO;
    }

    private static Duration longest(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String userKey(String username, String client) {
        // Case-folded so that "Alice" and "alice" share one count whatever the database's collation.
        return "u\u0000" + username.toLowerCase(Locale.ROOT) + "\u0000" + client;
    }

    private static String clientKey(String client) {
        return "c\u0000" + client;
    }

    /**
     * One login attempt. Reserve it right before the password is checked, then settle it once with what it came
     * to; {@link #close()} releases a reservation nothing settled (an error), so it counts as nothing.
     */
    public final class Attempt implements AutoCloseable {
        private final String userKey;
        private final String clientKey;
        private final Duration refusedFor;
        private final Optional<FleetFailures.Counts> fleetCounts;
        private Failures user;
        private Failures client;
        private boolean settled;

        private Attempt(String userKey, String clientKey, Duration refusedFor, Optional<FleetFailures.Counts> fleetCounts) {
            this.userKey = userKey;
            this.clientKey = clientKey;
            this.refusedFor = refusedFor;
            this.fleetCounts = fleetCounts;
        }

        /** How long the client must wait, when the attempt was refused at the start; empty when it may go ahead. */
        public Optional<Duration> refusedFor() {
            return refusedFor.isZero() ? Optional.empty() : Optional.of(refusedFor);
        }

        /**
         * Before the database's hash is checked: reserves this attempt, or refuses it when the failures the database
         * judged plus the attempts being checked reach a limit.
         *
         * @return how long to wait, or empty when the password may be checked
         */
        public Optional<Duration> reserve() {
            return reserve(false);
        }

        /**
         * Before the credential tier checks the password: as {@link #reserve()}, counting also the failures the tier
         * judged (the unconfirmed ones).
         *
         * @return how long to wait, or empty when the tier may check the password
         */
        public Optional<Duration> beforeTier() {
            return reserve(true);
        }

        private Optional<Duration> reserve(boolean inTier) {
            synchronized (Throttle.this) {
                if (user != null || settled) {
                    throw new IllegalStateException("this attempt is reserved already");
                }
                Instant now = clock.instant();
                Duration wait = refusal(userKey, clientKey, inTier, now, fleetCounts);
                if (!wait.isZero()) {
                    settled = true;
                    return Optional.of(wait);
                }
                user = current(userKey, now);
                client = current(clientKey, now);
                user.inFlight++;
                client.inFlight++;
                return Optional.empty();
            }
        }

        /** The database (or its emergency replica) judged the password wrong, or the user unknown or disabled. */
        public void failed() {
            synchronized (Throttle.this) {
                release();
                Instant now = clock.instant();
                user.fail(false, now);
                client.fail(false, now);
            }
            fleet.failed(userKey, clientKey, lockout);
        }

        /** The credential tier judged the password wrong while the database could not answer. */
        public void failedInTier() {
            synchronized (Throttle.this) {
                release();
                Instant now = clock.instant();
                user.fail(true, now);
                client.fail(true, now);
            }
        }

        /** The database verified the password: this user's counts from this client are cleared. */
        public void succeeded() {
            synchronized (Throttle.this) {
                release();
                user.count = 0;
                user.unconfirmed = 0;
                tidy();
            }
            fleet.cleared(userKey);
        }

        /** The credential tier verified the password: this user's unconfirmed count from this client is cleared. */
        public void succeededInTier() {
            synchronized (Throttle.this) {
                release();
                user.unconfirmed = 0;
                tidy();
            }
        }

        /** Releases the reservation if nothing settled it. */
        @Override
        public void close() {
            synchronized (Throttle.this) {
                if (user != null && !settled) {
                    release();
                    tidy();
                }
                settled = true;
            }
        }

        private void release() {
            if (user == null || settled) {
                throw new IllegalStateException("this attempt is not reserved, or settled already");
            }
            settled = true;
            user.inFlight--;
            client.inFlight--;
        }

        /** After a settlement changed the counts. */
        private void tidy() {
            forgetIfEmpty(user);
            forgetIfEmpty(client);
        }
    }

    /** The counts of one key; guarded by the throttle's lock. */
    private static final class Failures {
        final String key;
        /** Failures the database judged. */
        int count;
        /** Failures the credential tier judged during an outage. */
        int unconfirmed;
        /** Attempts reserved and not yet settled, whichever tier answers them. */
        int inFlight;
        Instant last;

        Failures(String key) {
            this.key = key;
        }

        void fail(boolean inTier, Instant now) {
            if (inTier) {
                unconfirmed++;
            } else {
                count++;
            }
            last = now;
        }

        /** Forgets the counts once {@code lockout} has passed since the last failure; attempts in flight stay. */
        void lapse(Duration lockout, Instant now) {
            if (last != null && !last.plus(lockout).isAfter(now)) {
                count = 0;
                unconfirmed = 0;
                last = null;
            }
        }

        /** How long a new attempt must wait under {@code limit}; zero when it may go ahead. */
        Duration refusal(int limit, boolean inTier, Duration lockout, Instant now) {
            int settledFailures = count + (inTier ? unconfirmed : 0);
            if (settledFailures >= limit) {
                return Duration.between(now, last.plus(lockout));
            }
            if (settledFailures + inFlight >= limit) {
                return IN_FLIGHT_WAIT;
            }
            return Duration.ZERO;
        }
    }
}
