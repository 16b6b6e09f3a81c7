package dev.holdfast.db;

import dev.holdfast.db.DatabaseUnavailableException.Reason;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** A moment's view of one guarded database, for {@code /auth/health}. Safe to show: no URL, no user. */
public final class PoolSnapshot {
    private final String name;
    private final int active;
    private final OptionalInt idle;
    private final int waiting;
    private final int maxTotal;
    private final Breaker.State breakerState;
    private final Optional<Reason> lastFailure;
    private final Optional<Instant> lastFailureAt;

    PoolSnapshot(String name, int active, OptionalInt idle, int waiting, int maxTotal, Breaker.State breakerState,
            Optional<Reason> lastFailure, Optional<Instant> lastFailureAt) {
        this.name = Objects.requireNonNull(name, "name");
        this.active = active;
        this.idle = Objects.requireNonNull(idle, "idle");
        this.waiting = waiting;
        this.maxTotal = maxTotal;
        this.breakerState = Objects.requireNonNull(breakerState, "breakerState");
        this.lastFailure = Objects.requireNonNull(lastFailure, "lastFailure");
        this.lastFailureAt = Objects.requireNonNull(lastFailureAt, "lastFailureAt");
    }

    /** The pool's name ({@code main}, {@code emergency}). */
    public String name() {
        return name;
    }

    /** Connections in use by calls now. */
    public int active() {
        return active;
    }

    /** Idle pooled connections; empty for a container's pool (JNDI), which does not say. */
    public OptionalInt idle() {
        return idle;
    }

    /** Calls accepted but not yet holding a connection (queued, or waiting for the pool). */
    public int waiting() {
        return waiting;
    }

    /** Largest number of calls running at once ({@code db.maxTotal}). */
    public int maxTotal() {
        return maxTotal;
    }

    public Breaker.State breakerState() {
        return breakerState;
    }

    /** Why the most recent failed call failed, if any call has failed since start. */
    public Optional<Reason> lastFailure() {
        return lastFailure;
    }

    public Optional<Instant> lastFailureAt() {
        return lastFailureAt;
    }

    @Override
    public String toString() {
        return "PoolSnapshot[" + name + ", active=" + active + ", idle=" + idle + ", waiting=" + waiting
                + ", maxTotal=" + maxTotal + ", breaker=" + breakerState + ", lastFailure=" + lastFailure + "]";
    }
}
