package dev.holdfast.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker for one database. It opens after {@code failureThreshold} consecutive availability failures,
 * or when, within the last {@value #WINDOW_SECONDS} seconds, at least {@code failureThreshold} calls failed and
 * they were at least half of all calls (a failing credential query with other, cheap calls succeeding in
 * between: consecutive counting alone never sees it). Open, it refuses calls at once for {@code openFor}; then
 * one probe call is let through (half-open): its success closes the breaker, its failure opens it again. Every
 * other call is refused while the probe runs.
 *
 * <p>From the first failure until the next success the database is {@link #suspect()}, which lets
 * {@link GuardedDatabase} stop keeping callers waiting that can do without it, before the breaker opens.
 *
 * <p>Hand-written on purpose: the logic is a few dozen lines and the libraries do not fit. resilience4j 2 needs
 * Java 17. Failsafe 3.3's {@code CircuitBreaker} takes one thresholding rule (consecutive, or count- or time-based),
 * not the two above together (two breakers would make two half-open probes); a call that says nothing about the
 * database ({@link #onNeutral()}, e.g. pool exhausted) must be recorded as a success, which would close it, or as
 * a failure, and a probe that never reports is never recovered; and it reads {@code System.nanoTime()} with no
 * clock to inject, so its tests would have to sleep. Thread-safe; logs one WARN per change of state, never per call.
 */
public final class Breaker {
    private static final Logger log = LoggerFactory.getLogger(Breaker.class);

    /** Default consecutive failures that open the breaker. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    /** Default time the breaker stays open before one probe is let through. */
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(5);
    /** Default longest wait for a probe by a caller that can do without the database. */
    public static final Duration DEFAULT_PROBE_WAIT = Duration.ofMillis(200);

    /** The breaker's state, for health. */
    public enum State {
        /** Calls go to the database. */
        CLOSED,
        /** Calls are refused at once. */
        OPEN,
        /** One probe call is on its way; the others are refused. */
        HALF_OPEN
    }

    /** Told of every change of state, e.g. to count transitions for metrics. */
    public interface TransitionListener {
        /** Called under the breaker's lock: keep it short and never call back into the breaker. */
        void moved(State from, State to);
    }

    private static final TransitionListener NOBODY = (from, to) -> { };

    private final String name;
    private final int failureThreshold;
    private final Duration openFor;
    private final Duration probeWait;
    private final Clock clock;

    /** How far back the failure ratio looks. */
    static final long WINDOW_SECONDS = 30;
    /** Outcomes remembered for the ratio; older ones fall out first. */
    private static final int WINDOW_CAPACITY = 256;

    // guarded by this
    private State state = State.CLOSED;
    private int consecutiveFailures;
    /** Recent outcomes while closed: the time of each call's end and whether it failed. */
    private final Deque<Instant> recentCalls = new ArrayDeque<>();
    private final Deque<Boolean> recentFailed = new ArrayDeque<>();
    private Instant openedAt = Instant.MIN;
    private Instant probeStartedAt;
    private volatile TransitionListener listener = NOBODY;

    /**
     * @param name             the database's name, for the log ({@code main}, {@code emergency})
     * @param failureThreshold consecutive failures that open the breaker (at least 1)
     * @param openFor          how long it stays open before a probe (positive)
     * @param probeWait        how long a caller that can do without the database waits for its call while the
     *                         database is {@link #suspect() suspect} (zero or more; see
     *                         {@link GuardedDatabase#call(SqlWork, java.util.function.BooleanSupplier)})
     * @param clock            time source
     */
    public Breaker(String name, int failureThreshold, Duration openFor, Duration probeWait, Clock clock) {
        this.name = PoolSettings.requireName(name);
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1: " + failureThreshold);
        }
        this.failureThreshold = failureThreshold;
        this.openFor = PoolSettings.requirePositive(openFor, "openFor");
        Objects.requireNonNull(probeWait, "probeWait");
        if (probeWait.isNegative()) {
            throw new IllegalArgumentException("probeWait must not be negative: " + probeWait);
        }
        this.probeWait = probeWait;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A breaker that lets callers with somewhere else to go wait {@link #DEFAULT_PROBE_WAIT} for a probe. */
    public Breaker(String name, int failureThreshold, Duration openFor, Clock clock) {
        this(name, failureThreshold, openFor, DEFAULT_PROBE_WAIT, clock);
    }

    /** A breaker with the defaults: open after 5 consecutive failures, for 5 seconds; probes waited for 0.2 s. */
    public static Breaker withDefaults(String name, Clock clock) {
        return new Breaker(name, DEFAULT_FAILURE_THRESHOLD, DEFAULT_OPEN_FOR, DEFAULT_PROBE_WAIT, clock);
    }

    /** Tells {@code listener}, from now on, of every change of state; replaces the previous listener. */
    public void onTransition(TransitionListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The database's name ({@code main}, {@code emergency}, {@code spool}). */
    public String name() {
        return name;
    }

    /** How long a caller that can do without the database waits for its call while the database is suspect. */
    public Duration probeWait() {
        return probeWait;
    }

    /**
     * Asks to make a call. True: go ahead, and report exactly one of {@link #onSuccess()}, {@link #onFailure()}
     * or {@link #onNeutral()} afterwards. False: the breaker is open (or the probe is out); do not call.
     */
    public synchronized boolean tryAcquire() {
        Instant now = clock.instant();
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (now.isBefore(openedAt.plus(openFor))) {
                    return false;
                }
                moveTo(State.HALF_OPEN, "probing with one call");
                probeStartedAt = now;
                return true;
            case HALF_OPEN:
                // a probe whose outcome never came back (a bug elsewhere) must not wedge the breaker forever
                if (probeStartedAt == null || !now.isBefore(probeStartedAt.plus(openFor))) {
                    probeStartedAt = now;
                    return true;
                }
                return false;
            default:
                throw new AssertionError(state);
        }
    }

    /** The database answered: close the breaker. */
    public synchronized void onSuccess() {
        consecutiveFailures = 0;
        probeStartedAt = null;
        if (state != State.CLOSED) {
            forgetRecentCalls();
            moveTo(State.CLOSED, "the database answers again");
        } else {
            remember(false);
        }
    }

    /** The database could not answer (connection failure, timeout). */
    public synchronized void onFailure() {
        consecutiveFailures++;
        probeStartedAt = null;
        if (state == State.HALF_OPEN) {
            open("the probe failed");
        } else if (state == State.CLOSED) {
            remember(true);
            if (consecutiveFailures >= failureThreshold) {
                open(consecutiveFailures + " consecutive failures");
            } else {
                long failed = recentFailed.stream().filter(Boolean::booleanValue).count();
                if (failed >= failureThreshold && failed * 2 >= recentFailed.size()) {
                    open(failed + " of the last " + recentFailed.size() + " calls failed within " + WINDOW_SECONDS + " s");
                }
            }
        }
    }

    private void open(String why) {
        openedAt = clock.instant();
        forgetRecentCalls();
        moveTo(State.OPEN, why + "; calls refused for " + openFor);
    }

    private void remember(boolean failed) {
        Instant now = clock.instant();
        recentCalls.addLast(now);
        recentFailed.addLast(failed);
        Instant horizon = now.minusSeconds(WINDOW_SECONDS);
        while (!recentCalls.isEmpty() && (recentCalls.size() > WINDOW_CAPACITY || recentCalls.peekFirst().isBefore(horizon))) {
            recentCalls.removeFirst();
            recentFailed.removeFirst();
        }
    }

    private void forgetRecentCalls() {
        recentCalls.clear();
        recentFailed.clear();
    }

    /** The call ended without saying anything about the database (e.g. pool exhausted): frees the probe. */
    public synchronized void onNeutral() {
        probeStartedAt = null;
    }

    public synchronized State state() {
        return state;
    }

    /**
     * Whether the database has failed since it last answered: a timeout or connection failure was reported and no
     * success after it (also true while open or half-open). Pool exhaustion and overload say nothing about the
     * database and leave it as it was.
     */
    public synchronized boolean suspect() {
        return state != State.CLOSED || consecutiveFailures > 0;
    }

    /** Whether a call would be let through now (no state change). */
    public synchronized boolean allowsCalls() {
        Instant now = clock.instant();
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                return !now.isBefore(openedAt.plus(openFor));
            case HALF_OPEN:
                return probeStartedAt == null || !now.isBefore(probeStartedAt.plus(openFor));
            default:
                throw new AssertionError(state);
        }
    }

    private void moveTo(State next, String why) {
        State previous = state;
        state = next;
        log.warn("holdfast: database [{}] breaker {} -> {}: {}", name, previous, next, why);
        listener.moved(previous, next);
    }

    @Override
    public synchronized String toString() {
        return "Breaker[" + name + ", " + state + ", consecutiveFailures=" + consecutiveFailures + "]";
    }
}
