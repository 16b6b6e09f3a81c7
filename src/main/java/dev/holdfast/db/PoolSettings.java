package dev.holdfast.db;

import dev.holdfast.config.UrlCredentials;
import java.time.Duration;
import java.util.Objects;

/**
 * What a connection pool needs to know: where the database is and how long a caller may wait for it
 * ({@code db.url}, {@code db.user}, {@code db.password}, {@code db.maxTotal}, {@code db.maxWait},
 * {@code db.queryTimeout}). Immutable; {@link #toString()} masks the password.
 */
public final class PoolSettings {
    private final String name;
    private final String url;
    private final String user;
    private final String password;
    private final int maxTotal;
    private final Duration maxWait;
    private final Duration queryTimeout;

    /**
     * @param name         short name for logs, thread names and health, e.g. {@code main}, {@code emergency}
     * @param url          JDBC URL
     * @param user         user name, or null when the URL carries it
     * @param password     password, or null when the URL carries it or none is needed
     * @param maxTotal     largest number of open connections (at least 1)
     * @param maxWait      longest wait for a pooled connection (positive)
     * @param queryTimeout longest query (at least one second: the driver counts whole seconds)
     */
    public PoolSettings(String name, String url, String user, String password, int maxTotal, Duration maxWait,
            Duration queryTimeout) {
        this.name = requireName(name);
        this.url = Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("url must be a JDBC URL (jdbc:...): [" + UrlCredentials.mask(url) + "]");
        }
        this.user = user;
        this.password = password;
        if (maxTotal < 1) {
            throw new IllegalArgumentException("maxTotal must be at least 1: " + maxTotal);
        }
        this.maxTotal = maxTotal;
        this.maxWait = requirePositive(maxWait, "maxWait");
        this.queryTimeout = requirePositive(queryTimeout, "queryTimeout");
        if (queryTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("queryTimeout must be at least PT1S (the driver counts whole seconds): "
                    + queryTimeout);
        }
    }

    static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_.-]{1,40}")) {
            throw new IllegalArgumentException("name must be 1-40 letters, digits, '.', '_' or '-': [" + name + "]");
        }
        return name;
    }

    static Duration requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
        return value;
    }

    public String name() {
        return name;
    }

    public String url() {
        return url;
    }

    /** The user name, or null when the URL carries it. */
    public String user() {
        return user;
    }

    /** The password, or null when the URL carries it or none is needed. Never log it. */
    public String password() {
        return password;
    }

    public int maxTotal() {
        return maxTotal;
    }

    public Duration maxWait() {
        return maxWait;
    }

    public Duration queryTimeout() {
        return queryTimeout;
    }

    /** The longest a caller waits for one call: {@code maxWait + queryTimeout}. */
    public Duration deadline() {
        return maxWait.plus(queryTimeout);
    }

    @Override
    public String toString() {
        return "PoolSettings[name=" + name + ", url=" + maskUrl(url) + ", user=" + user
                + ", password=" + (password == null ? "(none)" : "****") + ", maxTotal=" + maxTotal
                + ", maxWait=" + maxWait + ", queryTimeout=" + queryTimeout + "]";
    }

    /** The URL with its credentials masked ({@link UrlCredentials}). */
    static String maskUrl(String url) {
        return UrlCredentials.mask(url);
    }
}
