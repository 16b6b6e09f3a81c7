package dev.holdfast.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker for one database: after {@code failureThreshold} consecutive availability failures it opens
 * and refuses calls at once for {@code openFor}; then one probe call is let through (half-open): its success
 * closes the breaker, its failure opens it again. Every other call is refused while the probe runs.
 *
 * <p>Hand-written on purpose: the logic is a few dozen lines, needs no dependency, and the libraries do not fit
 * (resilience4j 2 needs Java 17 and its defaults, 60 s open after 100 calls, do not suit a login path; Failsafe
 * would be a dependency for this one class). Thread-safe; logs one WARN per change of state, never per call.
 */
public final class Breaker {
    private static final Logger log = LoggerFactory.getLogger(Breaker.class);

    /** Default consecutive failures that open the breaker. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    /** Default time the breaker stays open before one probe is let through. */
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(5);

    /** The breaker's state, for health. */
    public enum State {
        /** Calls go to the database. */
        CLOSED,
        /** Calls are refused at once. */
        OPEN,
        /** One probe call is on its way; the others are refused. */
        HALF_OPEN
    }

    private final String name;
    private final int failureThreshold;
    private final Duration openFor;
    private final Clock clock;

    // guarded by this
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openedAt = Instant.MIN;
    private Instant probeStartedAt;

    /**
     * @param name             the database's name, for the log ({@code main}, {@code emergency})
     * @param failureThreshold consecutive failures that open the breaker (at least 1)
     * @param openFor          how long it stays open before a probe (positive)
     * @param clock            time source
     */
    public Breaker(String name, int failureThreshold, Duration openFor, Clock clock) {
        this.name = PoolSettings.requireName(name);
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1: " + failureThreshold);
        }
        this.failureThreshold = failureThreshold;
        this.openFor = PoolSettings.requirePositive(openFor, "openFor");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A breaker with the defaults: open after 5 consecutive failures, for 5 seconds. */
    public static Breaker withDefaults(String name, Clock clock) {
        return new Breaker(name, DEFAULT_FAILURE_THRESHOLD, DEFAULT_OPEN_FOR, clock);
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
            moveTo(State.CLOSED, "the database answers again");
        }
    }

    /** The database could not answer (connection failure, timeout). */
    public synchronized void onFailure() {
        consecutiveFailures++;
        probeStartedAt = null;
        if (state == State.HALF_OPEN
                || (state == State.CLOSED && consecutiveFailures >= failureThreshold)) {
            openedAt = clock.instant();
            moveTo(State.OPEN, consecutiveFailures + " consecutive failures; calls refused for " + openFor);
        }
    }

    /** The call ended without saying anything about the database (e.g. pool exhausted): frees the probe. */
    public synchronized void onNeutral() {
        probeStartedAt = null;
    }

    public synchronized State state() {
        return state;
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
    }

    @Override
    public synchronized String toString() {
        return "Breaker[" + name + ", " + state + ", consecutiveFailures=" + consecutiveFailures + "]";
    }
}
