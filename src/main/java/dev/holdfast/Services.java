package dev.holdfast;

import dev.holdfast.audit.AuditLog;
import dev.holdfast.config.ConfigException;
import dev.holdfast.config.Secret;
import dev.holdfast.config.Setting;
import dev.holdfast.config.Settings;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.credential.SharedCredentialStore;
import dev.holdfast.credential.SqlCredentialStore;
import dev.holdfast.credential.SqlHashUpdate;
import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSettings;
import dev.holdfast.db.Pools;
import dev.holdfast.files.PrivateDirectory;
import dev.holdfast.files.UnsafeDirectoryException;
import dev.holdfast.health.HealthReport;
import dev.holdfast.login.LoginService;
import dev.holdfast.login.PasswordUpgrades;
import dev.holdfast.login.Throttle;
import dev.holdfast.login.Tier;
import dev.holdfast.metrics.HoldfastMetrics;
import dev.holdfast.password.HashPolicy;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.spool.JournalKey;
import dev.holdfast.spool.Spool;
import dev.holdfast.token.Keys;
import dev.holdfast.token.TokenIssuer;
import dev.holdfast.web.LoginEndpoint;
import dev.holdfast.web.LogoutEndpoint;
import dev.holdfast.web.TokenCookies;
import dev.holdfast.web.TrustedProxies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.naming.NamingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts {@link HoldfastListener} builds beside the {@link Tokens}: pools, credential tier, spools, critical
 * writes and the login and logout endpoints, built once from the settings and closed in reverse order at
 * undeploy. A new part is built here, {@link #track}ed when it holds resources, and kept in a field.
 */
final class Services implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Services.class);
    private static final String MAIN_POOL = "main";
    private static final String EMERGENCY_POOL = "emergency";
    private static final String SPOOL_POOL = "spool";
    /** Replays run on one thread per spool (audit, writes): one connection each is all they use. */
    private static final int SPOOL_POOL_SIZE = 2;
    private static final int OWASP_MIN_BCRYPT_COST = 10;

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    final Settings settings;
    /** The proxies named by {@code proxy.trusted}, for the client address of health and emergency login. */
    final TrustedProxies proxies;
    final GuardedDatabase mainDatabase;
    /** The small pool the spools replay through. */
    final GuardedDatabase spoolDatabase;
    /** Present only when {@code emergency.enabled}. */
    final Optional<GuardedDatabase> emergencyDatabase;
    final CredentialTier credentialTier;
    final Spool auditSpool;
    final JournaledWrites writes;
    final CriticalWrites criticalWrites;
    final LoginEndpoint login;
    /** Present only when {@code emergency.enabled}. */
    final Optional<LoginEndpoint> emergencyLogin;
    final LogoutEndpoint logout;
    /** State shared with the other nodes through Redis ({@code holdfast.shared.redisUrl}); inert when that is unset. */
    final SharedSetup shared;
    /** This application's meters; empty when {@code metrics.enabled} is false. */
    final Optional<HoldfastMetrics> metrics;

    private Services(Settings settings, Clock clock, ApplicationDirectory application, Tokens tokens)
            throws IOException, NamingException, ConfigException {
        try {
            this.settings = settings;
            metrics = MetricsSetup.open(settings, application).map(this::track);
            Keys keys = tokens.keys;
            Duration ttl = settings.get(Settings.JWT_TTL);
            Duration emergencyTtl = settings.get(Settings.EMERGENCY_TTL);
            // Names in Redis keys are hashed under a key Redis never sees (from cache.sharedKey or the signing key).
            shared = track(SharedSetup.open(settings, tokens.revocations, clock,
                    () -> Optional.of(SharedSetup.nameKey(settings, keys))));
            TokenIssuer issuer = Tokens.issuer(settings, keys, clock);
            TokenCookies cookies = Tokens.cookies(settings);
            proxies = Tokens.proxies(settings);

            mainDatabase = track(mainDatabase(MAIN_POOL, settings.get(Settings.DB_MAX_TOTAL), settings, clock));
            emergencyDatabase = settings.get(Settings.EMERGENCY_ENABLED)
                    ? Optional.of(track(emergencyDatabase(settings, clock))) : Optional.empty();

            // The tier's integrity key comes from the signing key: whoever can forge the cache can forge tokens anyway.
            settings.find(Settings.CACHE_DIR).ifPresent(dir -> warnIfTemporary(Settings.CACHE_DIR, dir, application));
            // Shared entries are sealed under holdfast.cache.sharedKey, or a subkey of the signing key; the store never sees it.
            Optional<SharedCredentialStore> sharedStore = shared.credentialStore();
            credentialTier = track(new CredentialTier(settings.get(Settings.CACHE_TTL), settings.get(Settings.CACHE_MAX_ENTRIES),
                    settings.find(Settings.CACHE_DIR), keys.deriveSubkey("holdfast credential tier"), clock, sharedStore,
                    settings.find(Settings.CACHE_SHARED_KEY).map(Secret::bytes)
                            .orElseGet(() -> keys.deriveSubkey(CredentialTier.SHARED_SUBKEY_PURPOSE))));
            long spoolBytes = settings.get(Settings.SPOOL_MAX_MEGABYTES) * 1024L * 1024L;
            // Replays get their own small pool and breaker on the main database: a burst of replayed writes
            // never takes connections from logins, and replay successes never hide a failing login query
            // from the login breaker (it counts consecutive failures).
            spoolDatabase = track(mainDatabase(SPOOL_POOL, SPOOL_POOL_SIZE, settings, clock));
            // Records are sealed under a key that never lies in the spool directory: holdfast.spool.key, or by
            // default a subkey of the token signing key (whoever holds that can forge logins anyway).
            JournalKey journalKey = JournalKey.derive(settings.find(Settings.SPOOL_KEY).map(Secret::bytes)
                    .orElseGet(() -> keys.deriveSubkey(JournalKey.SUBKEY_PURPOSE)));
            auditSpool = track(openSpool("audit", Settings.AUDIT_SPOOL, settings, application, spoolBytes, journalKey));
            Spool writesSpool = track(openSpool("writes", Settings.WRITES_SPOOL, settings, application, spoolBytes, journalKey));
            writes = new JournaledWrites(mainDatabase, writesSpool);
            criticalWrites = new CriticalWrites(writes);
            AuditLog audit = new AuditLog(settings.get(Settings.AUDIT_TABLE), auditSpool);

            PasswordVerifier passwords = new PasswordVerifier(new HashPolicy(settings.get(Settings.PASSWORD_BCRYPT_COST),
                    settings.get(Settings.PASSWORD_PBKDF2_ITERATIONS), settings.get(Settings.PASSWORD_ARGON2_MEMORY),
                    settings.get(Settings.PASSWORD_ARGON2_PASSES), settings.get(Settings.PASSWORD_LEGACY_FORMATS)));
            if (passwords.policy().bcryptCost() < OWASP_MIN_BCRYPT_COST) {
                log.warn("holdfast: [holdfast.password.bcryptCost] = [{}] is under OWASP's minimum of {}: new and"
                        + " upgraded hashes are cheap to crack", passwords.policy().bcryptCost(), OWASP_MIN_BCRYPT_COST);
            }
            // Only the main database upgrades hashes: the break-glass pool may point at a read-only replica.
            PasswordUpgrades upgrades = settings.find(Settings.SQL_UPDATE_HASH)
                    .map(update -> track(PasswordUpgrades.through(new SqlHashUpdate(mainDatabase, update), passwords)))
                    .orElseGet(() -> PasswordUpgrades.off(passwords));
            Throttle throttle = new Throttle(settings.get(Settings.LOGIN_MAX_FAILURES), settings.get(Settings.LOGIN_MAX_CLIENT_FAILURES),
                    settings.get(Settings.LOGIN_LOCKOUT), clock, shared.failures());
            Duration retryAfter = settings.get(Settings.BREAKER_OPEN_FOR);
            String sql = settings.get(Settings.SQL_USER);
            String loginPage = settings.get(Settings.LOGIN_PAGE);
            String landing = settings.get(Settings.LOGIN_LANDING);
            Supplier<Duration> roomAfterLookup = LoginService.roomAfterLookup(passwords);
            LoginService main = new LoginService(new SqlCredentialStore(mainDatabase, sql, credentialTier::canAnswer, roomAfterLookup, clock), credentialTier, passwords, throttle,
                    audit, Tier.DATABASE, Tier.CACHE, retryAfter, clock, upgrades,
                    MetricsSetup.logins(metrics, "login", Tier.DATABASE, Tier.CACHE));
            login = new LoginEndpoint(main, issuer, ttl, cookies, loginPage, landing, proxies);
            emergencyLogin = emergencyDatabase.map(database -> new LoginEndpoint(
                    new LoginService(new SqlCredentialStore(database, sql, credentialTier::canAnswer, roomAfterLookup, clock), credentialTier, passwords, throttle, audit,
                            Tier.EMERGENCY, Tier.EMERGENCY, retryAfter, clock, PasswordUpgrades.off(passwords),
                            MetricsSetup.logins(metrics, "emergency", Tier.EMERGENCY)),
                    issuer, emergencyTtl, cookies, loginPage, landing, proxies));
            logout = new LogoutEndpoint(tokens.verifier, shared.revoker(), cookies, loginPage, proxies);
            MetricsSetup.bind(metrics, this);
            metrics.ifPresent(m -> shared.reachable().ifPresent(m::connectSharedState));
        } catch (IOException | NamingException | ConfigException | RuntimeException | Error e) {
            // Whatever was opened before the failure is closed, so a failed deploy leaks no pool or thread.
            close();
            throw e;
        }
    }

    /**
     * Builds every part; on failure closes what was already opened and rethrows.
     *
     * @param application where this application's directories go when the settings name none
     */
    static Services open(Settings settings, Clock clock, ApplicationDirectory application, Tokens tokens)
            throws IOException, NamingException, ConfigException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(tokens, "tokens");
        return new Services(settings, clock, application, tokens);
    }

    /** What {@code /auth/health} answers now: each database probed once through its guarded path. */
    HealthReport health() {
        return HealthReport.of(mainDatabase, emergencyDatabase, spoolDatabase.snapshot(),
                credentialTier.statistics(), auditSpool.snapshot(), writes.snapshot(), shared.status());
    }

    /**
     * Opens the spool {@code name} in the directory {@code setting} names or, by default, in the application's
     * own directory (each level of which is checked to be the application user's alone). A directory another
     * user could redirect or write is a configuration error naming the setting.
     */
    private Spool openSpool(String name, Setting<Path> setting, Settings settings, ApplicationDirectory application,
                            long maxBytes, JournalKey key) throws IOException, ConfigException {
        Optional<Path> configured = settings.find(setting);
        Path directory = configured.orElseGet(() -> application.resolve(name));
        try {
            if (configured.isEmpty()) {
                PrivateDirectory.prepare(application.root());
                PrivateDirectory.prepare(application.base());
            }
            warnIfTemporary(setting, directory, application);
            return Spool.open(name, directory, maxBytes, key, spoolDatabase);
        } catch (UnsafeDirectoryException e) {
            String which = e.directory().equals(directory.toAbsolutePath().normalize()) ? ""
                    : " (" + e.directory() + ")";
            throw new ConfigException(List.of("holdfast: [" + setting.key() + "] = [" + directory + "]" + which + " "
                    + e.reason() + "; give a directory only the user Holdfast runs as can write (a missing one is"
                    + " created with mode 0700)"));
        }
    }

    /** Warns, once per setting at start, when its directory lies where a reboot or redeploy may wipe it. */
    static void warnIfTemporary(Setting<Path> setting, Path directory, ApplicationDirectory application) {
        if (PrivateDirectory.isTemporary(directory, application.containerTemporary())) {
            log.warn("holdfast: [{}] = [{}] lies in a temporary directory that may be wiped at reboot or redeploy,"
                    + " and what waits in it with it; set [{}] to a directory on persistent storage",
                    setting.key(), directory, setting.key());
        }
    }

    private <T extends AutoCloseable> T track(T part) {
        opened.push(part);
        return part;
    }

    /** A guarded pool on the main database ({@code db.url} or {@code db.jndi}) with a breaker of its own. */
    private static GuardedDatabase mainDatabase(String name, int maxTotal, Settings settings, Clock clock) throws NamingException {
        Breaker breaker = breaker(name, settings, clock);
        Optional<String> jndi = settings.find(Settings.DB_JNDI);
        if (jndi.isPresent()) {
            return GuardedDatabase.overDataSource(name, Pools.fromJndi(jndi.get()), maxTotal,
                    settings.get(Settings.DB_MAX_WAIT), settings.get(Settings.DB_QUERY_TIMEOUT), breaker, clock);
        }
        return GuardedDatabase.open(new PoolSettings(name, settings.get(Settings.DB_URL),
                settings.find(Settings.DB_USER).orElse(null),
                settings.find(Settings.DB_PASSWORD).map(Services::text).orElse(null),
                maxTotal, settings.get(Settings.DB_MAX_WAIT), settings.get(Settings.DB_QUERY_TIMEOUT)),
                breaker, clock);
    }

    /** Its own pool and breaker, sharing nothing with the main path; defaults to the main URL and user. */
    private static GuardedDatabase emergencyDatabase(Settings settings, Clock clock) {
        Breaker breaker = breaker(EMERGENCY_POOL, settings, clock);
        String url = settings.find(Settings.EMERGENCY_DB_URL).orElseGet(() -> settings.get(Settings.DB_URL));
        String user = settings.find(Settings.EMERGENCY_DB_USER).or(() -> settings.find(Settings.DB_USER)).orElse(null);
        String password = settings.find(Settings.EMERGENCY_DB_PASSWORD).or(() -> settings.find(Settings.DB_PASSWORD))
                .map(Services::text).orElse(null);
        return GuardedDatabase.open(new PoolSettings(EMERGENCY_POOL, url, user, password,
                settings.get(Settings.EMERGENCY_DB_MAX_TOTAL), settings.get(Settings.DB_MAX_WAIT), settings.get(Settings.DB_QUERY_TIMEOUT)),
                breaker, clock);
    }

    private static Breaker breaker(String name, Settings settings, Clock clock) {
        return new Breaker(name, settings.get(Settings.BREAKER_FAILURES), settings.get(Settings.BREAKER_OPEN_FOR),
                settings.get(Settings.BREAKER_PROBE_WAIT), clock);
    }

    private static String text(Secret secret) {
        return new String(secret.bytes(), StandardCharsets.UTF_8);
    }

    /** Closes every part in the reverse order it was opened; a failure to close one does not skip the rest. */
    @Override
    public void close() {
        while (!opened.isEmpty()) {
            AutoCloseable part = opened.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("holdfast: closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
