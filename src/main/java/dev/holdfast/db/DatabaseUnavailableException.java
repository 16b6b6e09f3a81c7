package dev.holdfast.db;

import java.util.Objects;

/**
 * The database could not answer in time: the only failure that sends a login to the credential tier,
 * spools a write, and never counts towards lock-out. A database that answers "no" (a constraint
 * violation, bad SQL) is an {@link java.sql.SQLException}, not this.
 */
public final class DatabaseUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the database could not answer; safe to log and to show in health. */
    public enum Reason {
        /** The breaker is open: recent calls failed, so this one was not tried. */
        BREAKER_OPEN,
        /**
         * The database failed and has not answered since: a caller that can do without it was not kept waiting
         * (one such call at a time goes on as a probe, which keeps the full deadline).
         */
        PROBING,
        /** No pooled connection within {@code db.maxWait}. */
        POOL_EXHAUSTED,
        /** The call did not finish within its deadline ({@code db.maxWait + db.queryTimeout}). */
        TIMEOUT,
        /** Connecting failed or the connection broke (SQLState {@code 08*}, {@code 57P0*}). */
        CONNECTION_FAILED,
        /** Too many calls already waiting on the database; refused at once rather than queued. */
        OVERLOADED,
        /** No database is configured for this path. */
        NOT_CONFIGURED
    }

    private final Reason reason;

    public DatabaseUnavailableException(Reason reason, Throwable cause) {
        super("database unavailable: " + Objects.requireNonNull(reason, "reason"), cause);
        this.reason = reason;
    }

    public DatabaseUnavailableException(Reason reason) {
        this(reason, null);
    }

    public Reason reason() {
        return reason;
    }
}
