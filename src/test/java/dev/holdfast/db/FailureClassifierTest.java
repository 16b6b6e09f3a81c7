package dev.holdfast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.holdfast.db.DatabaseUnavailableException.Reason;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailureClassifierTest {

    private static Optional<Reason> classify(Throwable t) {
        return FailureClassifier.unavailability(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"08001", "08006", "08003", "08P01", "57P01", "57P02", "57P03", "57P04", "53300",
        "53100", "53200", "58030", "01002"})
    void connectionAndServerStatesMeanTheDatabaseCannotAnswer(String state) {
        assertEquals(Optional.of(Reason.CONNECTION_FAILED), classify(new SQLException("x", state)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "23503", "42601", "42P01", "42501", "22001", "40001", "40P01", "P0001",
        "XX000", "25P02"})
    void answersFromTheDatabaseAreNotUnavailability(String state) {
        assertEquals(Optional.empty(), classify(new SQLException("x", state)));
    }

    @Test
    void aStatementWithoutStateIsAnAnswer() {
        assertEquals(Optional.empty(), classify(new SQLException("no state")));
    }

    @Test
    void queryCancelledByOurTimeoutIsTimeout() {
        assertEquals(Optional.of(Reason.TIMEOUT), classify(new SQLException("canceling statement", "57014")));
        assertEquals(Optional.of(Reason.TIMEOUT), classify(new SQLTimeoutException("timed out")));
    }

    @Test
    void findsTheDriversStateBehindDbcpsStatelessWrapper() {
        SQLException driver = new SQLException("Connection to 127.0.0.1:1 refused", "08001",
                new ConnectException("Connection refused"));
        SQLException dbcp = new SQLException("Cannot create PoolableConnectionFactory (Connection refused)", driver);
        assertEquals(Optional.of(Reason.CONNECTION_FAILED), classify(dbcp));
    }

    @Test
    void dbcpsWaitTimeoutIsPoolExhausted() {
        NoSuchElementException wait = new NoSuchElementException(
                "Timeout waiting for idle object, borrowMaxWaitDuration=PT0.5S, Pool stats: ...");
        SQLException dbcp = new SQLException("Cannot get a connection, pool error Timeout waiting for idle object",
                wait);
        assertEquals(Optional.of(Reason.POOL_EXHAUSTED), classify(dbcp));
    }

    @Test
    void aNewConnectionFailingValidationIsAConnectionFailureNotExhaustion() {
        NoSuchElementException validate = new NoSuchElementException("Unable to validate object");
        validate.initCause(new SQLException("I/O error", "08006"));
        assertEquals(Optional.of(Reason.CONNECTION_FAILED), classify(new SQLException("Cannot get", validate)));
    }

    @Test
    void ioErrorsAnywhereInTheChainAreConnectionFailures() {
        assertEquals(Optional.of(Reason.CONNECTION_FAILED),
                classify(new SQLException("wrapped", new SocketTimeoutException("Read timed out"))));
        assertEquals(Optional.of(Reason.CONNECTION_FAILED),
                classify(new SQLTransientConnectionException("no state")));
    }

    @Test
    void chainedNextExceptionsAreLookedAt() {
        SQLException batch = new SQLException("batch entry failed", "XX000");
        batch.setNextException(new SQLException("I/O error", "08006"));
        assertEquals(Optional.of(Reason.CONNECTION_FAILED), classify(batch));
    }

    @Test
    void aCauseLoopEnds() {
        SQLException a = new SQLException("a", "23505");
        SQLException b = new SQLException("b", "23505", a);
        a.initCause(b);
        assertEquals(Optional.empty(), classify(a));
    }

    @Test
    void otherRuntimeFailuresAreNotUnavailability() {
        assertEquals(Optional.empty(), classify(new IllegalStateException("bug")));
    }
}
