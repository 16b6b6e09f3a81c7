package dev.holdfast.shared;

import java.util.Optional;

/** What health reports about shared state: one probe's answer, the breaker, the subscription and the queue. */
public final class SharedStatus {
    private final boolean up;
    private final String breaker;
    private final boolean listening;
    private final int pending;
    private final String namespace;
    private final Optional<String> lastFailure;

    SharedStatus(boolean up, String breaker, boolean listening, int pending, String namespace, Optional<String> lastFailure) {
        this.up = up;
        this.breaker = breaker;
        this.listening = listening;
        this.pending = pending;
        this.namespace = namespace;
        this.lastFailure = lastFailure;
    }

    /** Redis answered the probe and this node hears the other nodes' revocations. */
    public boolean up() {
        return up && listening;
    }

    /** The breaker's state: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}. */
    public String breaker() {
        return breaker;
    }

    /** Subscribed to the revocation channel and caught up with the revocations made while away. */
    public boolean listening() {
        return listening;
    }

    /** Revocations made on this node that wait to be pushed to Redis. */
    public int pending() {
        return pending;
    }

    public String namespace() {
        return namespace;
    }

    /** The kind of the last failed call, e.g. {@code JedisConnectionException}. */
    public Optional<String> lastFailure() {
        return lastFailure;
    }
}
