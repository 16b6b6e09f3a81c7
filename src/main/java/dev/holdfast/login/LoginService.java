package dev.holdfast.login;

import dev.holdfast.audit.AuditEvent;
import dev.holdfast.audit.AuditLog;
import dev.holdfast.credential.CredentialQueryException;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.credential.SqlCredentialStore;
import dev.holdfast.credential.StoredCredential;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.password.PasswordVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a password: the database first, whenever it answers; the credential tier only when it cannot.
 *
 * <p>One instance serves {@code /auth/login} (main pool, tier {@code database}) and another
 * {@code /auth/emergency-login} (its own pool, tier {@code emergency}); they share only the credential
 * tier, the throttle and the audit log, none of which waits on a database.
 */
public final class LoginService {
    private static final Logger log = LoggerFactory.getLogger(LoginService.class);

    private final SqlCredentialStore database;
    private final CredentialTier cache;
    private final PasswordVerifier passwords;
    private final Throttle throttle;
    private final AuditLog audit;
    private final Tier databaseTier;
    private final Tier cacheTier;
    private final Duration unavailableRetryAfter;
    private final Clock clock;
    /** Whether the last credential query the database refused has not been followed by one it answered. */
    private volatile boolean queryFailing;
    private final PasswordUpgrades upgrades;
    private final LoginObserver observer;

    /**
     * @param databaseTier          what a database-verified login is called: {@link Tier#DATABASE}, or
     *                              {@link Tier#EMERGENCY} for the break-glass service (which reports every login so)
     * @param cacheTier             what a login from the credential tier is called: {@link Tier#CACHE}, or
     *                              {@link Tier#EMERGENCY} for the break-glass service
     * @param unavailableRetryAfter the {@code Retry-After} when no tier can answer
     */
    public LoginService(SqlCredentialStore database, CredentialTier cache, PasswordVerifier passwords, Throttle throttle,
                        AuditLog audit, Tier databaseTier, Tier cacheTier, Duration unavailableRetryAfter, Clock clock) {
        this(database, cache, passwords, throttle, audit, databaseTier, cacheTier, unavailableRetryAfter, clock,
                PasswordUpgrades.off(passwords));
    }

    /**
     * As above, and a password the database verifies against a hash below the policy is rehashed in the
     * background through {@code upgrades}.
     */
    public LoginService(SqlCredentialStore database, CredentialTier cache, PasswordVerifier passwords, Throttle throttle,
                        AuditLog audit, Tier databaseTier, Tier cacheTier, Duration unavailableRetryAfter, Clock clock,
                        PasswordUpgrades upgrades) {
        this(database, cache, passwords, throttle, audit, databaseTier, cacheTier, unavailableRetryAfter, clock,
                upgrades, LoginObserver.NONE);
    }

    /** As above, and {@code observer} is told of every outcome and how long the attempt took. */
    public LoginService(SqlCredentialStore database, CredentialTier cache, PasswordVerifier passwords, Throttle throttle,
                        AuditLog audit, Tier databaseTier, Tier cacheTier, Duration unavailableRetryAfter, Clock clock,
                        PasswordUpgrades upgrades, LoginObserver observer) {
        this.database = Objects.requireNonNull(database, "database");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.databaseTier = Objects.requireNonNull(databaseTier, "databaseTier");
        this.cacheTier = Objects.requireNonNull(cacheTier, "cacheTier");
        this.unavailableRetryAfter = Objects.requireNonNull(unavailableRetryAfter, "unavailableRetryAfter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.upgrades = Objects.requireNonNull(upgrades, "upgrades");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Checks {@code password} for {@code username}; the caller wipes {@code password} afterwards. */
    public LoginOutcome login(String username, char[] password, String client) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(client, "client");
        long started = System.nanoTime();
        LoginOutcome outcome = attempt(username, password, client);
        observer.ended(outcome, System.nanoTime() - started);
        return outcome;
    }

    private LoginOutcome attempt(String username, char[] password, String client) {
        // Asked before the lookup, reserved right before the hash: parallel guesses cannot all be checked.
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            Optional<Duration> refused = attempt.refusedFor();
            if (refused.isPresent()) {
                return record(username, client, LoginOutcome.throttled(refused.get()));
            }
            Optional<StoredCredential> stored;
            try {
                stored = database.find(username);
            } catch (DatabaseUnavailableException e) {
                log.debug("database cannot answer ({}); trying the credential tier", e.reason());
                return record(username, client, fromCache(username, password, attempt));
            } catch (CredentialQueryException e) {
                queryRefused(e);
                return record(username, client, LoginOutcome.queryFailed());
            }
            queryAnswered();
            return record(username, client, fromDatabase(username, password, attempt, stored));
        }
    }

    /**
     * What a login's database lookup leaves of its deadline for the rest of the login (for
     * {@link SqlCredentialStore}): one password check as {@code passwords} takes them lately (both tiers check one,
     * and so does an unknown user) and a quarter more for the audit record and the reply, so that a login answers
     * within {@code db.maxWait + db.queryTimeout} even when the database used all it was given.
     */
    public static Supplier<Duration> roomAfterLookup(PasswordVerifier passwords) {
        Objects.requireNonNull(passwords, "passwords");
        return () -> {
            Duration check = passwords.typicalCheck();
            return check.plus(check.dividedBy(4));
        };
    }

    private LoginOutcome fromDatabase(String username, char[] password, Throttle.Attempt attempt,
                                      Optional<StoredCredential> stored) {
        Optional<Duration> refused = attempt.reserve();
        if (refused.isPresent()) {
            return LoginOutcome.throttled(refused.get());
        }
        if (stored.isEmpty() || !stored.get().enabled()) {
            // The database is the authority: a user it no longer knows or has disabled leaves the tier now,
            // under the name typed and (with a case-insensitive sql.user) the name the database holds.
            cache.forget(username);
            stored.filter(disabled -> !disabled.username().equals(username))
                    .ifPresent(disabled -> cache.forget(disabled.username()));
            passwords.burnEquivalentWork(password);
            attempt.failed();
            return LoginOutcome.invalidCredentials();
        }
        StoredCredential credential = stored.get();
        if (!passwords.matches(password, credential.passwordHash())) {
            // Keep a cached copy current (a changed password must not keep working during an outage).
            cache.refresh(credential);
            attempt.failed();
            return LoginOutcome.invalidCredentials();
        }
        cache.remember(credential);
        upgrades.offer(credential, password);
        attempt.succeeded();
        return LoginOutcome.success(credential, databaseTier);
    }

    private LoginOutcome fromCache(String username, char[] password, Throttle.Attempt attempt) {
        Optional<StoredCredential> cached = cache.find(username);
        // Failures here count only towards the tier's own limit: the database cannot confirm them, and
        // locking users out of the database because of our outage is not ours to do. A user the tier does not
        // hold is asked too, so that a client locked out of the tier learns nothing from a 503 either.
        Optional<Duration> refused = attempt.beforeTier();
        if (refused.isPresent()) {
            return LoginOutcome.throttled(refused.get());
        }
        if (cached.isEmpty()) {
            // The same work as a cached user's check (the reservation, released unsettled when the attempt
            // closes, and the hash): how long a 503 takes must not tell who is in the tier.
            passwords.burnEquivalentWork(password);
            return LoginOutcome.unavailable(unavailableRetryAfter);
        }
        if (!passwords.matches(password, cached.get().passwordHash())) {
            attempt.failedInTier();
            return LoginOutcome.invalidCredentials();
        }
        attempt.succeededInTier();
        return LoginOutcome.success(cached.get(), cacheTier);
    }

    /** ERROR once when the database starts refusing the credential query, not once per login. */
    private void queryRefused(CredentialQueryException e) {
        if (!queryFailing) {
            queryFailing = true;
            log.error("holdfast: logins cannot be checked: {}; fix the query or the schema", e.getMessage());
        } else {
            log.debug("credential query refused again: {}", e.getMessage());
        }
    }

    private void queryAnswered() {
        if (queryFailing) {
            queryFailing = false;
            log.info("holdfast: the credential query works again");
        }
    }

    private LoginOutcome record(String username, String client, LoginOutcome outcome) {
        String tier = outcome.tier().map(Tier::wireName).orElse("none");
        audit.record(AuditEvent.of(clock.instant(), username, outcome.kind().wireName(), tier, client));
        return outcome;
    }
}
