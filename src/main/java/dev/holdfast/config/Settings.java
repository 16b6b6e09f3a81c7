package dev.holdfast.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every Holdfast setting, declared once, and an immutable set of resolved values. Build one with
 * {@link SettingsReader}; packages below the root never read settings, they take typed arguments.
 */
public final class Settings {
    static final String MASK = "*****";
    private static final List<Setting<?>> DECLARED = new ArrayList<>();

    /** How a refused token is answered (filter init-param {@code onFailure}). */
    public enum OnFailure {
        /** Browsers (they accept HTML, are not XHR, did not send a Bearer header) are redirected; others get 401. */
        AUTO("auto"),
        REDIRECT("redirect"),
        UNAUTHORIZED("401");

        private final String text;

        OnFailure(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** When the token cookie carries the {@code Secure} attribute. */
    public enum CookieSecure {
        /** When the request is HTTPS, or a trusted proxy says so with {@code X-Forwarded-Proto: https}. */
        AUTO("auto"),
        TRUE("true"),
        FALSE("false");

        private final String text;

        CookieSecure(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration ZERO = Duration.ZERO;

    // --- tokens
    public static final Setting<Secret> JWT_SECRET = secret("jwt.secret", Parsers.secret(32));
    public static final Setting<Path> JWT_KEYS = shared("jwt.keys", null, Parsers.path());
    public static final Setting<String> JWT_ISSUER = shared("jwt.issuer", "holdfast", Parsers.text());
    public static final Setting<String> JWT_AUDIENCE = shared("jwt.audience", null, Parsers.text());
    public static final Setting<URI> JWT_JWKS_URL = shared("jwt.jwksUrl", null, Parsers.httpUrl());
    public static final Setting<Duration> JWT_TTL = shared("jwt.ttl", "PT1H", Parsers.duration(Duration.ofMinutes(1), Duration.ofDays(30)));
    public static final Setting<Duration> JWT_CLOCK_SKEW = shared("jwt.clockSkew", "PT30S", Parsers.duration(ZERO, Duration.ofMinutes(5)));
    public static final Setting<Boolean> JWT_REQUIRE_KID = shared("jwt.requireKid", "false", Parsers.strictBoolean());
    public static final Setting<Integer> JWT_CACHE_MAX_ENTRIES = shared("jwt.cache.maxEntries", "10000", Parsers.integer(0, 1_000_000));
    public static final Setting<Integer> JWT_REVOCATIONS_MAX_ENTRIES = shared("jwt.revocations.maxEntries", "100000",
            Parsers.integer(1_000, 10_000_000));

    // --- main database
    public static final Setting<String> DB_URL = shared("db.url", null, Parsers.jdbcUrl());
    public static final Setting<String> DB_USER = shared("db.user", null, Parsers.text());
    public static final Setting<Secret> DB_PASSWORD = secret("db.password", Parsers.secret(0));
    public static final Setting<String> DB_JNDI = shared("db.jndi", null, Parsers.text());
    public static final Setting<Integer> DB_MAX_TOTAL = shared("db.maxTotal", "10", Parsers.integer(1, 500));
    public static final Setting<Duration> DB_MAX_WAIT = shared("db.maxWait", "PT1S", Parsers.duration(Duration.ofMillis(10), Duration.ofSeconds(30)));
    public static final Setting<Duration> DB_QUERY_TIMEOUT = shared("db.queryTimeout", "PT2S", Parsers.duration(SECOND, Duration.ofSeconds(60)));
    public static final Setting<String> SQL_USER = shared("sql.user",
            "SELECT id, username, password_hash, roles, enabled FROM users WHERE username = ?", Parsers.text());
    public static final Setting<Integer> BREAKER_FAILURES = shared("breaker.failures", "5", Parsers.integer(1, 1000));
    public static final Setting<Duration> BREAKER_OPEN_FOR = shared("breaker.openFor", "PT5S", Parsers.duration(SECOND, Duration.ofMinutes(10)));
    public static final Setting<Duration> BREAKER_PROBE_WAIT = shared("breaker.probeWait", "PT0.2S", Parsers.duration(ZERO, Duration.ofSeconds(60)));

    // --- break-glass login
    public static final Setting<Boolean> EMERGENCY_ENABLED = shared("emergency.enabled", "false", Parsers.strictBoolean());
    public static final Setting<String> EMERGENCY_DB_URL = documented("emergency.db.url", "db.url", Parsers.jdbcUrl(), false);
    public static final Setting<String> EMERGENCY_DB_USER = documented("emergency.db.user", "db.user", Parsers.text(), false);
    public static final Setting<Secret> EMERGENCY_DB_PASSWORD = documented("emergency.db.password", "db.password", Parsers.secret(0), true);
    public static final Setting<Integer> EMERGENCY_DB_MAX_TOTAL = shared("emergency.db.maxTotal", "2", Parsers.integer(1, 20));
    public static final Setting<List<Cidr>> EMERGENCY_ALLOW = shared("emergency.allow", "127.0.0.1/32,::1/128", Parsers.networks());
    public static final Setting<Duration> EMERGENCY_TTL = shared("emergency.ttl", "PT15M", Parsers.duration(Duration.ofMinutes(1), Duration.ofDays(1)));

    // --- credential tier
    public static final Setting<Duration> CACHE_TTL = shared("cache.ttl", "PT12H", Parsers.duration(ZERO, Duration.ofDays(30)));
    public static final Setting<Integer> CACHE_MAX_ENTRIES = shared("cache.maxEntries", "10000", Parsers.integer(1, 10_000_000));
    public static final Setting<Path> CACHE_DIR = shared("cache.dir", null, Parsers.path());
    public static final Setting<Secret> CACHE_SHARED_KEY = documented("cache.sharedKey", "derived from the token signing key",
            Parsers.secret(32), true);

    // --- lock-out
    public static final Setting<Integer> LOGIN_MAX_FAILURES = shared("login.maxFailures", "5", Parsers.integer(1, 1000));
    public static final Setting<Integer> LOGIN_MAX_CLIENT_FAILURES = shared("login.maxClientFailures", "50", Parsers.integer(1, 100_000));
    public static final Setting<Duration> LOGIN_LOCKOUT = shared("login.lockout", "PT5M", Parsers.duration(SECOND, Duration.ofDays(1)));

    // --- passwords: the policy for new hashes, the work of an unknown user, and upgrades on login
    public static final Setting<Integer> PASSWORD_BCRYPT_COST = shared("password.bcryptCost", "12", Parsers.integer(4, 14));
    public static final Setting<Integer> PASSWORD_PBKDF2_ITERATIONS = shared("password.pbkdf2Iterations", "600000",
            Parsers.integer(1, 3_000_000));
    public static final Setting<Integer> PASSWORD_ARGON2_MEMORY = shared("password.argon2Memory", "19456", Parsers.integer(8, 65_536));
    public static final Setting<Integer> PASSWORD_ARGON2_PASSES = shared("password.argon2Passes", "2", Parsers.integer(1, 10));
    public static final Setting<Boolean> PASSWORD_LEGACY_FORMATS = shared("password.legacyFormats", "false", Parsers.strictBoolean());
    public static final Setting<String> SQL_UPDATE_HASH = shared("sql.updateHash", null, Parsers.sqlWithParameters(3,
            "the new hash, the username, the old hash"));

    // --- browser flow
    public static final Setting<String> LOGIN_PAGE = new Setting<>("login.page", "/login.jsp", "/login.jsp",
            Parsers.appPath(), false, Setting.Scope.SHARED_OR_INSTANCE);
    public static final Setting<String> LOGIN_LANDING = shared("login.landing", "/", Parsers.appPath());
    public static final Setting<String> COOKIE_NAME = shared("cookie.name", "holdfast_token", Parsers.cookieName());
    public static final Setting<String> COOKIE_PATH = documented("cookie.path", "the context path", Parsers.appPath(), false);
    public static final Setting<CookieSecure> COOKIE_SECURE = shared("cookie.secure", "auto", Parsers.choice(CookieSecure.class));

    // --- operations
    public static final Setting<List<Cidr>> HEALTH_ALLOW = shared("health.allow", "127.0.0.1/32,::1/128", Parsers.networks());
    public static final Setting<List<Cidr>> PROXY_TRUSTED = shared("proxy.trusted", null, Parsers.networks());
    public static final Setting<Boolean> METRICS_ENABLED = shared("metrics.enabled", "true", Parsers.strictBoolean());
    public static final Setting<Boolean> METRICS_JMX = shared("metrics.jmx", "false", Parsers.strictBoolean());
    public static final Setting<String> AUDIT_TABLE = shared("audit.table", "holdfast_audit", Parsers.sqlIdentifier());
    /** Default computed per application (context path and container) by the listener. */
    public static final Setting<Path> AUDIT_SPOOL = documented("audit.spool", "${user.home}/.holdfast/<application>/audit",
            Parsers.path(), false);
    public static final Setting<Path> WRITES_SPOOL = documented("writes.spool", "${user.home}/.holdfast/<application>/writes",
            Parsers.path(), false);
    public static final Setting<Integer> SPOOL_MAX_MEGABYTES = shared("spool.maxMegabytes", "64", Parsers.integer(1, 100_000));
    public static final Setting<Secret> SPOOL_KEY = documented("spool.key", "derived from the token signing key",
            Parsers.secret(32), true);

    // --- filter init-params (per declaration)
    public static final Setting<List<String>> FILTER_EXCLUDE = instance("exclude",
            "the login page, /auth/*, /.well-known/*", Parsers.list());
    public static final Setting<List<String>> FILTER_REQUIRE_ROLES = instance("requireRoles", null, Parsers.list());
    public static final Setting<OnFailure> FILTER_ON_FAILURE = new Setting<>("onFailure", "auto", "auto",
            Parsers.choice(OnFailure.class), false, Setting.Scope.INSTANCE);
    public static final Setting<Boolean> FILTER_NO_STORE = new Setting<>("noStore", "true", "true",
            Parsers.strictBoolean(), false, Setting.Scope.INSTANCE);
    public static final Setting<String> FILTER_CONTENT_SECURITY_POLICY = instance("contentSecurityPolicy", null, Parsers.text());

    // --- shared state across nodes (docs/fleet.md)

    public static final Setting<RedisUrl> SHARED_REDIS_URL = shared("shared.redisUrl", null, Parsers.redisUrl());
    public static final Setting<Duration> SHARED_TIMEOUT = shared("shared.timeout", "PT0.25S",
            Parsers.duration(Duration.ofMillis(10), Duration.ofSeconds(10)));
    public static final Setting<String> SHARED_NAMESPACE = documented("shared.namespace",
            "derived from jwt.issuer and jwt.audience", Parsers.keyNamespace(), false);

    static {
        Collections.addAll(DECLARED, JWT_SECRET, JWT_KEYS, JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS_URL, JWT_TTL, JWT_CLOCK_SKEW,
                JWT_REQUIRE_KID, JWT_CACHE_MAX_ENTRIES, JWT_REVOCATIONS_MAX_ENTRIES,
                DB_URL, DB_USER, DB_PASSWORD, DB_JNDI, DB_MAX_TOTAL, DB_MAX_WAIT, DB_QUERY_TIMEOUT, SQL_USER,
                BREAKER_FAILURES, BREAKER_OPEN_FOR,
                BREAKER_PROBE_WAIT,
                EMERGENCY_ENABLED, EMERGENCY_DB_URL, EMERGENCY_DB_USER, EMERGENCY_DB_PASSWORD, EMERGENCY_DB_MAX_TOTAL,
                EMERGENCY_ALLOW, EMERGENCY_TTL,
                CACHE_TTL, CACHE_MAX_ENTRIES, CACHE_DIR, CACHE_SHARED_KEY,
                LOGIN_MAX_FAILURES, LOGIN_MAX_CLIENT_FAILURES, LOGIN_LOCKOUT,
                PASSWORD_BCRYPT_COST, PASSWORD_PBKDF2_ITERATIONS, PASSWORD_ARGON2_MEMORY, PASSWORD_ARGON2_PASSES,
                PASSWORD_LEGACY_FORMATS, SQL_UPDATE_HASH,
                LOGIN_PAGE, LOGIN_LANDING, COOKIE_NAME, COOKIE_PATH, COOKIE_SECURE,
                HEALTH_ALLOW, PROXY_TRUSTED, METRICS_ENABLED, METRICS_JMX, AUDIT_TABLE, AUDIT_SPOOL, WRITES_SPOOL, SPOOL_MAX_MEGABYTES, SPOOL_KEY,
                SHARED_REDIS_URL, SHARED_TIMEOUT, SHARED_NAMESPACE,
                FILTER_EXCLUDE, FILTER_REQUIRE_ROLES, FILTER_ON_FAILURE, FILTER_NO_STORE, FILTER_CONTENT_SECURITY_POLICY);
    }

    /** Every declared setting, in the order of the docs. */
    public static final List<Setting<?>> ALL = List.copyOf(DECLARED);

    private final Map<Setting<?>, Object> values;

    Settings(Map<Setting<?>, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value, or its default. */
    public <T> T get(Setting<T> setting) {
        return find(setting).orElseThrow(() -> new IllegalStateException(setting.key() + " has no value and no default"));
    }

    /** The value or default, or empty when neither exists. */
    public <T> Optional<T> find(Setting<T> setting) {
        @SuppressWarnings("unchecked")
        T value = (T) values.get(setting);
        return Optional.ofNullable(value);
    }

    /** {@code name=value, ...} of every set setting, secrets masked: the one INFO line at deploy. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Setting<?> setting : ALL) {
            Object value = values.get(setting);
            if (value != null) {
                // A URL may carry a password (db.url=...?password=...): masked like a secret.
                parts.add(setting.key() + "=" + (setting.isSecret() ? MASK : UrlCredentials.mask(format(value))));
            }
        }
        return String.join(", ", parts);
    }

    private static String format(Object value) {
        if (value instanceof List) {
            List<String> items = new ArrayList<>();
            for (Object item : (List<?>) value) {
                items.add(String.valueOf(item));
            }
            return String.join(",", items);
        }
        return String.valueOf(value);
    }

    private static <T> Setting<T> shared(String name, String defaultValue, Parser<T> parser) {
        return new Setting<>(name, defaultValue, defaultValue, parser, false, Setting.Scope.SHARED);
    }

    private static <T> Setting<T> secret(String name, Parser<T> parser) {
        return new Setting<>(name, null, null, parser, true, Setting.Scope.SHARED);
    }

    /** A setting whose default is computed elsewhere (another setting, the context path): no raw default. */
    private static <T> Setting<T> documented(String name, String documentedDefault, Parser<T> parser, boolean secret) {
        return new Setting<>(name, null, documentedDefault, parser, secret, Setting.Scope.SHARED);
    }

    private static <T> Setting<T> instance(String name, String documentedDefault, Parser<T> parser) {
        return new Setting<>(name, null, documentedDefault, parser, false, Setting.Scope.INSTANCE);
    }
}
