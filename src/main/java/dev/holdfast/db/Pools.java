package dev.holdfast.db;

import java.time.Duration;
import java.util.Objects;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * Builds the connection pools: DBCP2 with settings that really bound a dead or silent network, or a container's
 * DataSource from JNDI.
 *
 * <p>Why each bound is there (measured with DBCP 2.14, pgjdbc 42.7, PostgreSQL 15):
 * <ul>
 *   <li>{@code maxWait} bounds only the wait for a free connection, never the creation of one; the driver's
 *       {@code connectTimeout} bounds the TCP connect and {@code loginTimeout} the whole login, else a server that
 *       accepts TCP and never answers hangs the caller.</li>
 *   <li>pgjdbc's {@code socketTimeout} (default: forever) bounds every read; it is set above the query timeout so
 *       that a slow query is cancelled (SQLState 57014, connection kept) before the socket gives up.</li>
 *   <li>A query timeout is a cancel request sent over a new connection, which waits up to
 *       {@code cancelSignalTimeout} (default 10 s): set to one second.</li>
 *   <li>Without {@code validationQueryTimeout}, DBCP validates with {@code isValid(0)}, which pgjdbc treats as
 *       "no timeout" and which hangs on a silent network.</li>
 *   <li>{@code tcpKeepAlive}: otherwise the kernel takes about 15 minutes to notice a dead peer on an idle
 *       connection.</li>
 *   <li>No evictor (commons-pool runs one thread for all pools of the JVM), {@code minIdle 0}, no JMX.</li>
 * </ul>
 * The first {@code getConnection()} builds the pool inside a lock on the caller's thread and opens one real
 * connection there; {@link GuardedDatabase} runs it on its own executor under the caller's deadline.
 */
public final class Pools {
    /** How long a pooled connection may live before it is replaced (failovers, DNS changes, server memory). */
    static final Duration MAX_CONNECTION_LIFETIME = Duration.ofMinutes(30);
    /** Bound of the validation on borrow ({@code isValid(1)}): the driver counts whole seconds. */
    static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(1);
    /** Bound of a query-cancel request (pgjdbc {@code cancelSignalTimeout}, seconds). */
    static final int CANCEL_SIGNAL_TIMEOUT_SECONDS = 1;

    private Pools() {
    }

    /** A DBCP2 pool over {@code settings}; nothing connects until the first {@code getConnection()}. */
    static BasicDataSource dbcp(PoolSettings settings) {
        Objects.requireNonNull(settings, "settings");
        BasicDataSource pool = new BasicDataSource();
        pool.setUrl(settings.url());
        if (settings.user() != null) {
            pool.setUsername(settings.user());
        }
        if (settings.password() != null) {
            pool.setPassword(settings.password());
        }
        if (isPostgresql(settings.url())) {
            // by class name, with our class loader: in a webapp, DriverManager does not see WEB-INF/lib drivers
            pool.setDriverClassName("org.postgresql.Driver");
            pool.setDriverClassLoader(Pools.class.getClassLoader());
            for (String[] property : pgjdbcTimeouts(settings)) {
                pool.addConnectionProperty(property[0], property[1]);
            }
        }
        pool.setMaxTotal(settings.maxTotal());
        pool.setMaxIdle(settings.maxTotal());
        pool.setMinIdle(0);
        pool.setInitialSize(0);
        pool.setMaxWait(settings.maxWait());
        pool.setTestOnBorrow(true);
        pool.setValidationQueryTimeout(VALIDATION_TIMEOUT);
        pool.setFastFailValidation(true);
        pool.setDefaultQueryTimeout(Duration.ofSeconds(ceilSeconds(settings.queryTimeout())));
        pool.setMaxConn(MAX_CONNECTION_LIFETIME);
        pool.setLogExpiredConnections(false);
        pool.setRegisterConnectionMBean(false);
        pool.setDurationBetweenEvictionRuns(Duration.ofMillis(-1));
        return pool;
    }

    /**
     * The driver properties that bound a bad network, in seconds (pgjdbc counts whole seconds):
     * connect and login within the caller's deadline, reads within the query timeout plus time to cancel.
     */
    static String[][] pgjdbcTimeouts(PoolSettings settings) {
        long deadline = ceilSeconds(settings.deadline());
        long socket = ceilSeconds(settings.queryTimeout()) + CANCEL_SIGNAL_TIMEOUT_SECONDS + 1;
        return new String[][] {
            {"connectTimeout", Long.toString(deadline)},
            {"loginTimeout", Long.toString(deadline)},
            {"socketTimeout", Long.toString(socket)},
            {"cancelSignalTimeout", Integer.toString(CANCEL_SIGNAL_TIMEOUT_SECONDS)},
            {"tcpKeepAlive", "true"},
        };
    }

    /**
     * The container's DataSource named {@code name} ({@code db.jndi}, e.g. {@code java:comp/env/jdbc/users}).
     *
     * <p>Holdfast cannot set that pool's driver timeouts: the container's configuration owns them. The caller's
     * deadline ({@code db.maxWait + db.queryTimeout}) still holds, and {@link GuardedDatabase} sets a network
     * timeout on each borrowed connection while it uses it; but a worker thread may stay blocked as long as the
     * container's pool lets it (creating a connection, waiting for one). Configure that pool with the same
     * bounds (for Tomcat: {@code maxWait}, {@code validationQueryTimeout}, and {@code connectTimeout},
     * {@code socketTimeout}, {@code loginTimeout} in {@code connectionProperties}).
     *
     * @throws NamingException when nothing is bound under {@code name} or it is not a DataSource
     */
    public static DataSource fromJndi(String name) throws NamingException {
        Objects.requireNonNull(name, "name");
        Object bound = new InitialContext().lookup(name);
        if (!(bound instanceof DataSource)) {
            throw new NamingException("[" + name + "] is " + (bound == null ? "null" : bound.getClass().getName())
                    + ", not a javax.sql.DataSource");
        }
        return (DataSource) bound;
    }

    static boolean isPostgresql(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    static long ceilSeconds(Duration duration) {
        long seconds = duration.getSeconds();
        return duration.getNano() > 0 ? seconds + 1 : seconds;
    }
}
