package dev.holdfast.demo;

import com.password4j.Password;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mvn jetty:run} demo's database: starts an embedded PostgreSQL, applies the default schema,
 * seeds two demo users and hands the application its settings as context parameters.
 *
 * <p>It is a {@link ServletContainerInitializer}, not a listener, because it must run before
 * {@code HoldfastListener} reads its settings: Jetty calls listeners from an override descriptor after
 * those of {@code web.xml}, but every initializer before any listener. It is announced only by
 * {@code src/demo/resources/META-INF/services/jakarta.servlet.ServletContainerInitializer}, which only
 * {@code mvn jetty:run} puts on the class path, so it never reaches the WAR, a real deployment or the
 * embedded-container tests.
 *
 * <p>Settings given as a system property or environment variable still win, as everywhere in Holdfast: with
 * {@code -Dholdfast.db.url=...} no embedded database is started, and with {@code -Dholdfast.jwt.secret=...}
 * no development secret is generated.
 */
public final class DemoDatabase implements ServletContainerInitializer {

    private static final Logger log = LoggerFactory.getLogger("holdfast.demo");
    private static final String SCHEMA = "db/postgresql.sql";
    /** The demo app's own table for the save page (CriticalWrites). */
    private static final String DEMO_SCHEMA = "db/demo.sql";

    /** username, password, roles */
    private static final List<String[]> USERS = List.of(
            new String[] {"alice", "alice-demo-password", "user,admin"},
            new String[] {"bob", "bob-demo-password", "user"});

    private EmbeddedPostgres postgres;
    private Path dataDirectory;

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        try {
            if (configuredOutside("holdfast.db.url") || configuredOutside("holdfast.db.jndi")) {
                log.info("holdfast demo: a database is configured ({}), not starting the embedded one",
                        configuredOutside("holdfast.db.url") ? "holdfast.db.url" : "holdfast.db.jndi");
            } else {
                startDatabase(context);
            }
            if (configuredOutside("holdfast.jwt.secret") || configuredOutside("holdfast.jwt.keys")) {
                log.info("holdfast demo: a signing key is configured, not generating one");
            } else {
                generateSecret(context);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("holdfast demo: could not start the embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("holdfast demo: could not prepare the demo database: " + e.getMessage(), e);
        }
        printBanner(context);
        context.addListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                stopDatabase();
            }
        });
    }

    private void stopDatabase() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
            deleteRecursively(dataDirectory);
            log.info("holdfast demo: embedded PostgreSQL stopped, {} deleted", dataDirectory);
        } catch (IOException e) {
            log.warn("holdfast demo: embedded PostgreSQL did not stop cleanly; its data stays in {}", dataDirectory, e);
        } finally {
            postgres = null;
        }
    }

    private void startDatabase(ServletContext context) throws IOException, SQLException {
        long started = System.nanoTime();
        // Our own data directory, deleted by us: the library's own clean-up needs commons-io classes that
        // the plugin's class realm can no longer load once Maven is shutting down.
        dataDirectory = Files.createTempDirectory("holdfast-demo-pg");
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres")) {
            applySchema(connection, SCHEMA);
            applySchema(connection, DEMO_SCHEMA);
            seedUsers(connection);
        }
        context.setInitParameter("holdfast.db.url", url);
        context.setInitParameter("holdfast.db.user", "postgres");
        context.setInitParameter("holdfast.db.password", "postgres");
        log.info("holdfast demo: embedded PostgreSQL on port {} ready in {} ms", postgres.getPort(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    private static void applySchema(Connection connection, String resource) throws IOException, SQLException {
        String sql;
        try (InputStream in = DemoDatabase.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " on the class path");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void seedUsers(Connection connection) throws SQLException {
        // The schema may keep roles as a comma list or as text[] (the credential query reads both).
        String rolesExpression = rolesAreArray(connection) ? "string_to_array(?, ',')" : "?";
        String upsert = "INSERT INTO users (username, password_hash, roles, enabled) VALUES (?, ?, "
                + rolesExpression + ", TRUE) ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash,"
                + " roles = EXCLUDED.roles, enabled = TRUE";
        try (PreparedStatement statement = connection.prepareStatement(upsert)) {
            for (String[] user : USERS) {
                statement.setString(1, user[0]);
                statement.setString(2, Password.hash(user[1]).withBcrypt().getResult());
                statement.setString(3, user[2]);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static boolean rolesAreArray(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT data_type FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'roles'")) {
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && "ARRAY".equals(rows.getString(1));
            }
        }
    }

    private static void generateSecret(ServletContext context) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        context.setInitParameter("holdfast.jwt.secret", "base64:" + Base64.getEncoder().encodeToString(secret));
        log.warn("*****************************************************************************");
        log.warn("*  holdfast demo: generated a RANDOM HMAC SIGNING SECRET FOR DEVELOPMENT ONLY *");
        log.warn("*  Tokens die with this JVM. Never run a real deployment like this: set       *");
        log.warn("*  holdfast.jwt.secret (32+ bytes, e.g. file:/etc/holdfast/secret) or          *");
        log.warn("*  holdfast.jwt.keys in web.xml, context.xml or HOLDFAST_JWT_SECRET.           *");
        log.warn("*****************************************************************************");
    }

    private static boolean configuredOutside(String setting) {
        String env = System.getenv(setting.toUpperCase(Locale.ROOT).replace('.', '_'));
        return System.getProperty(setting) != null || (env != null && !env.isEmpty());
    }

    private static void printBanner(ServletContext context) {
        String port = System.getProperty("jetty.http.port", "8080");
        String base = "http://localhost:" + port + context.getContextPath();
        log.info("");
        log.info("=============================================================");
        log.info(" Holdfast demo: {}/", base);
        log.info("   sign in      {}/login.jsp", base);
        log.info("   demo logins  alice / alice-demo-password  (roles user, admin)");
        log.info("                bob   / bob-demo-password    (role user)");
        log.info("   protected    {}/app/   admin only: {}/admin/", base, base);
        log.info("=============================================================");
        log.info("");
    }
}
