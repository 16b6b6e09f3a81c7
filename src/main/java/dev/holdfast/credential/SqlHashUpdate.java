package dev.holdfast.credential;

import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.db.GuardedDatabase;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Replaces a user's stored password hash with the configured statement ({@code holdfast.sql.updateHash}), through
 * a {@link GuardedDatabase}. The statement takes three bind parameters in this order: the new hash, the username
 * as the credential query returned it, and the old hash, e.g.
 * {@code UPDATE users SET password_hash = ? WHERE username = ? AND password_hash = ?}: with the old hash in the
 * {@code WHERE}, a password changed in the meantime is never overwritten.
 */
public final class SqlHashUpdate {
    static final String SETTING = "holdfast.sql.updateHash";

    private final GuardedDatabase database;
    private final String statement;

    /** @throws IllegalArgumentException when the statement does not have exactly three {@code ?} */
    public SqlHashUpdate(GuardedDatabase database, String statement) {
        this.database = Objects.requireNonNull(database, "database");
        this.statement = Objects.requireNonNull(statement, "statement");
        long parameters = statement.chars().filter(c -> c == '?').count();
        if (parameters != 3) {
            throw new IllegalArgumentException("[" + SETTING + "] must have exactly three ? (the new hash, the username,"
                    + " the old hash), has " + parameters);
        }
    }

    /**
     * Runs the statement; returns the rows it changed (0 when the hash was changed meanwhile).
     *
     * @throws DatabaseUnavailableException the database could not answer in time
     * @throws CredentialQueryException     the statement is wrong for this database (SQLState only, no values)
     */
    public int replace(String username, String oldHash, String newHash) throws DatabaseUnavailableException {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(oldHash, "oldHash");
        Objects.requireNonNull(newHash, "newHash");
        try {
            return database.call(connection -> {
                try (PreparedStatement update = connection.prepareStatement(statement)) {
                    update.setString(1, newHash);
                    update.setString(2, username);
                    update.setString(3, oldHash);
                    return update.executeUpdate();
                }
            });
        } catch (SQLException e) {
            // Never the driver's message: it can quote the bound values, and two of them are hashes.
            throw new CredentialQueryException("[" + SETTING + "] failed on the database: SQLState " + e.getSQLState());
        }
    }
}
