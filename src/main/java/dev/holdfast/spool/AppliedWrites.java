package dev.holdfast.spool;

import dev.holdfast.db.SqlWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;

/**
 * Exactly-once application of a write: the write and the insert of its id into {@value #TABLE} run in one
 * transaction. If the id is already there, an earlier attempt committed (perhaps its reply was lost in
 * flight) and the write is not run again. The table name is fixed; {@code db/postgresql.sql} creates it:
 * {@code holdfast_applied_writes(id uuid PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())}.
 *
 * <p>The id is inserted first: a second attempt running at the same time waits on the first's row lock and
 * then sees the conflict, so two attempts never both apply.
 */
public final class AppliedWrites {
    /** The table of applied write ids. */
    public static final String TABLE = "holdfast_applied_writes";
    private static final String INSERT_ID = "INSERT INTO " + TABLE + " (id) VALUES (?) ON CONFLICT (id) DO NOTHING";

    private AppliedWrites() {
    }

    /** What happened to one write. */
    public static final class Outcome {
        private static final Outcome ALREADY = new Outcome(true, 0);
        private final boolean alreadyApplied;
        private final int updateCount;

        private Outcome(boolean alreadyApplied, int updateCount) {
            this.alreadyApplied = alreadyApplied;
            this.updateCount = updateCount;
        }

        /** An earlier attempt with this id committed; nothing was run now. */
        public boolean alreadyApplied() {
            return alreadyApplied;
        }

        /** Rows the write changed now (0 when {@link #alreadyApplied()}). */
        public int updateCount() {
            return updateCount;
        }

        @Override
        public String toString() {
            return alreadyApplied ? "Outcome[already applied]" : "Outcome[applied, " + updateCount + " rows]";
        }
    }

    /**
     * Runs {@code write} on {@code connection} in one transaction together with the insert of {@code id}.
     * Any error rolls the whole transaction back and is rethrown. The connection's auto-commit is restored.
     */
    public static Outcome applyOnce(Connection connection, UUID id, SqlWork<Integer> write) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(write, "write");
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        Outcome outcome;
        try {
            int inserted;
            try (PreparedStatement insert = connection.prepareStatement(INSERT_ID)) {
                insert.setObject(1, id);
                inserted = insert.executeUpdate();
            }
            if (inserted == 0) {
                connection.rollback();
                outcome = Outcome.ALREADY;
            } else {
                int count = write.run(connection);
                connection.commit();
                outcome = new Outcome(false, count);
            }
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
            throw e;
        }
        connection.setAutoCommit(autoCommit);
        return outcome;
    }

    /** {@link #applyOnce} for a spooled statement. */
    public static Outcome applyOnce(Connection connection, UUID id, SpooledStatement statement) throws SQLException {
        Objects.requireNonNull(statement, "statement");
        return applyOnce(connection, id, statement::executeUpdate);
    }
}
