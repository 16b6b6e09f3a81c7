package dev.holdfast.credential;

import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.db.GuardedDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Looks a user up with the one configured query ({@code holdfast.sql.user}), through a {@link GuardedDatabase}.
 *
 * <p>The query takes the username as its only bind parameter and is read by column LABEL, so any schema works
 * with an alias: {@code username} and {@code password_hash} are required; {@code id}, {@code roles} and
 * {@code enabled} are optional ({@code roles}: a comma list or an SQL array; no {@code enabled}: enabled; a NULL
 * {@code enabled}: disabled). The labels are checked against the first result's metadata and remembered.
 */
public final class SqlCredentialStore {
    /** The default of {@code holdfast.sql.user}. */
    public static final String DEFAULT_QUERY =
            "SELECT id, username, password_hash, roles, enabled FROM users WHERE username = ?";
    static final String SETTING = "holdfast.sql.user";

    private final GuardedDatabase database;
    private final String query;
    private final Clock clock;
    private final Predicate<String> answeredElsewhere;
    private final Supplier<Duration> leaveForCaller;
    private volatile Columns columns;

    /**
     * A store whose callers always wait for the database (up to its deadline).
     *
     * @param query the credential query with exactly one {@code ?} for the username
     * @throws IllegalArgumentException when the query does not have exactly one {@code ?}
     */
    public SqlCredentialStore(GuardedDatabase database, String query, Clock clock) {
        this(database, query, username -> false, clock);
    }

    /**
     * @param query             the credential query with exactly one {@code ?} for the username
     * @param answeredElsewhere whether a username can be answered without the database (the credential tier's
     *                          {@link CredentialTier#canAnswer}); asked only while the database is failing
     * @throws IllegalArgumentException when the query does not have exactly one {@code ?}
     */
    public SqlCredentialStore(GuardedDatabase database, String query, Predicate<String> answeredElsewhere, Clock clock) {
        this(database, query, answeredElsewhere, () -> Duration.ZERO, clock);
    }

    /**
     * As above, and each lookup leaves {@code leaveForCaller} of the database's deadline (at most half of it) to its
     * caller, for the work that follows it whatever the database says: a login's password check, so that the login
     * answers within the deadline whichever tier checks the password (see
     * {@link GuardedDatabase#call(dev.holdfast.db.SqlWork, BooleanSupplier, Duration)}).
     */
    public SqlCredentialStore(GuardedDatabase database, String query, Predicate<String> answeredElsewhere,
                              Supplier<Duration> leaveForCaller, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.query = Objects.requireNonNull(query, "query");
        this.answeredElsewhere = Objects.requireNonNull(answeredElsewhere, "answeredElsewhere");
        this.leaveForCaller = Objects.requireNonNull(leaveForCaller, "leaveForCaller");
        this.clock = Objects.requireNonNull(clock, "clock");
        long parameters = query.chars().filter(c -> c == '?').count();
        if (parameters != 1) {
            throw new IllegalArgumentException("[" + SETTING + "] must have exactly one ? (the username), has "
                    + parameters + ": [" + query + "]");
        }
    }

    /**
     * The user's row as the database says now, or empty when there is no such user (or the row has no hash).
     * While the database is failing (a call timed out or could not connect, none answered since), a user the
     * credential tier can answer is not kept waiting the deadline: see
     * {@link GuardedDatabase#call(dev.holdfast.db.SqlWork, BooleanSupplier)}.
     *
     * @throws DatabaseUnavailableException the database could not answer in time, or was not waited for: try the
     *                                      credential tier
     * @throws CredentialQueryException     the query is wrong for this database (an operator must act)
     */
    public Optional<StoredCredential> find(String username) throws DatabaseUnavailableException {
        Objects.requireNonNull(username, "username");
        if (username.indexOf('\0') >= 0) {
            return Optional.empty(); // PostgreSQL text cannot hold NUL: no such user, not a query error
        }
        try {
            return database.call(connection -> lookUp(connection, username), () -> answeredElsewhere.test(username),
                    leaveForCaller.get());
        } catch (SQLException e) {
            // Only the SQLState and the vendor code: the driver's message can quote the username (a bind value).
            throw new CredentialQueryException("[" + SETTING + "] failed on the database: SQLState "
                    + e.getSQLState() + ", vendor code " + e.getErrorCode() + " (" + e.getClass().getName() + ")");
        }
    }

    private Optional<StoredCredential> lookUp(Connection connection, String username) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, username);
            statement.setMaxRows(2);
            try (ResultSet rows = statement.executeQuery()) {
                Columns found = columns;
                if (found == null) {
                    found = Columns.of(rows.getMetaData());
                    columns = found;
                }
                if (!rows.next()) {
                    return Optional.empty();
                }
                Optional<StoredCredential> credential = read(rows, found);
                if (rows.next()) {
                    throw new CredentialQueryException("[" + SETTING + "] returned more than one row for one"
                            + " username; it must select at most one user");
                }
                return credential;
            }
        }
    }

    private Optional<StoredCredential> read(ResultSet row, Columns columns) throws SQLException {
        String name = row.getString(columns.username);
        String hash = row.getString(columns.passwordHash);
        if (name == null || hash == null) {
            return Optional.empty();
        }
        Optional<String> id = columns.id < 0 ? Optional.empty() : Optional.ofNullable(row.getString(columns.id));
        List<String> roles = columns.roles < 0 ? List.of() : roles(row, columns.roles);
        boolean enabled = columns.enabled < 0 || row.getBoolean(columns.enabled);
        Instant now = clock.instant();
        return Optional.of(new StoredCredential(name, id, hash, roles, enabled, now));
    }

    private static List<String> roles(ResultSet row, int column) throws SQLException {
        Object value = row.getObject(column);
        if (value == null) {
            return List.of();
        }
        List<String> roles = new ArrayList<>();
        if (value instanceof Array) {
            Array array = (Array) value;
            try {
                for (Object role : (Object[]) array.getArray()) {
                    addRole(roles, role == null ? null : role.toString());
                }
            } finally {
                array.free();
            }
        } else {
            for (String role : value.toString().split(",")) {
                addRole(roles, role);
            }
        }
        return Collections.unmodifiableList(roles);
    }

    private static void addRole(List<String> roles, String role) {
        if (role != null && !role.isBlank() && !roles.contains(role.trim())) {
            roles.add(role.trim());
        }
    }

    /** 1-based indexes of the labels Holdfast reads in the query's result; -1 for an optional label not there. */
    static final class Columns {
        final int username;
        final int passwordHash;
        final int id;
        final int roles;
        final int enabled;

        private Columns(Map<String, Integer> byLabel) {
            this.username = byLabel.getOrDefault("username", -1);
            this.passwordHash = byLabel.getOrDefault("password_hash", -1);
            this.id = byLabel.getOrDefault("id", -1);
            this.roles = byLabel.getOrDefault("roles", -1);
            this.enabled = byLabel.getOrDefault("enabled", -1);
        }

        static Columns of(ResultSetMetaData metadata) throws SQLException {
            Map<String, Integer> byLabel = new HashMap<>();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                byLabel.putIfAbsent(metadata.getColumnLabel(i).toLowerCase(Locale.ROOT), i);
            }
            Columns columns = new Columns(byLabel);
            List<String> missing = new ArrayList<>();
            if (columns.username < 0) {
                missing.add("username");
            }
            if (columns.passwordHash < 0) {
                missing.add("password_hash");
            }
            if (!missing.isEmpty()) {
                throw new CredentialQueryException("[" + SETTING + "] returns no column labelled " + missing
                        + "; it returns " + byLabel.keySet().stream().sorted().collect(Collectors.toList())
                        + ". Required labels: username, password_hash; optional: id, roles, enabled"
                        + " (use AS to rename a column)");
            }
            return columns;
        }
    }
}
