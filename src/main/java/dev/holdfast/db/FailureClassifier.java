package dev.holdfast.db;

import dev.holdfast.db.DatabaseUnavailableException.Reason;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Tells "the database cannot answer" apart from "the database answered with an error", by SQLState through the
 * whole cause chain (DBCP wraps the driver's exception: its own has no SQLState).
 *
 * <ul>
 *   <li>{@code 57014} query cancelled (our query timeout): {@link Reason#TIMEOUT}</li>
 *   <li>DBCP's "Timeout waiting for idle object" ({@link NoSuchElementException}): {@link Reason#POOL_EXHAUSTED}</li>
 *   <li>{@code 08*} connection exception, {@code 57P*} operator intervention (shutdown, crash, cannot connect now,
 *       database dropped), {@code 53*} insufficient resources (too many connections, disk full, out of memory),
 *       {@code 58*} system error, {@code 01002} disconnect, the JDBC connection exception types, or an
 *       {@link IOException} anywhere in the chain: {@link Reason#CONNECTION_FAILED}</li>
 *   <li>anything else (constraint violation, syntax error, permission denied): an answer, not a failure</li>
 * </ul>
 */
public final class FailureClassifier {
    static final String QUERY_CANCELED = "57014";
    private static final String POOL_TIMEOUT_MESSAGE = "Timeout waiting for idle object";

    private FailureClassifier() {
    }

    /** The reason the database could not answer, or empty when {@code failure} is the database's answer. */
    public static Optional<Reason> unavailability(Throwable failure) {
        Reason found = null;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            Reason reason = reasonOf(t);
            if (reason == Reason.TIMEOUT || reason == Reason.POOL_EXHAUSTED) {
                return Optional.of(reason); // the most specific explanation wins
            }
            if (reason != null) {
                found = reason;
            }
            if (t instanceof SQLException) {
                for (SQLException next = ((SQLException) t).getNextException(); next != null
                        && seen.put(next, Boolean.TRUE) == null; next = next.getNextException()) {
                    Reason chained = reasonOf(next);
                    if (chained != null && found == null) {
                        found = chained;
                    }
                }
            }
        }
        return Optional.ofNullable(found);
    }

    private static Reason reasonOf(Throwable t) {
        if (t instanceof NoSuchElementException && t.getMessage() != null
                && t.getMessage().startsWith(POOL_TIMEOUT_MESSAGE)) {
            return Reason.POOL_EXHAUSTED;
        }
        if (t instanceof IOException) {
            return Reason.CONNECTION_FAILED;
        }
        if (!(t instanceof SQLException)) {
            return null;
        }
        String state = ((SQLException) t).getSQLState();
        if (QUERY_CANCELED.equals(state) || t instanceof SQLTimeoutException) {
            return Reason.TIMEOUT;
        }
        if (state != null && isUnavailableState(state)) {
            return Reason.CONNECTION_FAILED;
        }
        if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException) {
            return Reason.CONNECTION_FAILED;
        }
        return null;
    }

    static boolean isUnavailableState(String state) {
        return state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || state.startsWith("58") || state.equals("01002");
    }
}
