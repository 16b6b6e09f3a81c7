package dev.holdfast.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.holdfast.audit.AuditEvent;
import dev.holdfast.audit.AuditLog;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.credential.SqlCredentialStore;
import dev.holdfast.credential.StoredCredential;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tier rules (the database first, the credential tier only when it cannot answer) with a real password
 * verifier, a real Ehcache tier and a real throttle;
 * only the database is a mock, so it can be made to "not answer" on demand.
 */
class LoginServiceTest {
    private static final String CLIENT = "192.0.2.10";
    private static PasswordVerifier passwords;
    private static String aliceHash;

    private final MutableClock clock = new MutableClock();
    private final SqlCredentialStore database = mock(SqlCredentialStore.class);
    private final AuditLog audit = mock(AuditLog.class);
    private final CredentialTier tier = new CredentialTier(Duration.ofHours(12), 100, Optional.empty(), new byte[32], clock);
    private final Throttle throttle = new Throttle(3, 100, Duration.ofMinutes(5), clock);
    private final LoginService logins = service(Tier.DATABASE, Tier.CACHE);

    @BeforeAll
    static void hashOnce() {
        passwords = new PasswordVerifier();
        aliceHash = passwords.hash("alice-password".toCharArray());
    }

    @AfterEach
    void closeTier() {
        tier.close();
    }

    private LoginService service(Tier databaseTier, Tier cacheTier) {
        return new LoginService(database, tier, passwords, throttle, audit, databaseTier, cacheTier, Duration.ofSeconds(5), clock);
    }

    private StoredCredential alice(boolean enabled) {
        return new StoredCredential("alice", Optional.of("7"), aliceHash, List.of("user"), enabled, clock.instant());
    }

    private LoginOutcome login(String username, String password) {
        return logins.login(username, password.toCharArray(), CLIENT);
    }

    private void databaseDown() throws DatabaseUnavailableException {
        when(database.find(anyString())).thenThrow(new DatabaseUnavailableException(DatabaseUnavailableException.Reason.TIMEOUT));
    }

    @Test
    void databaseVerifiedLoginIsRememberedInTheTier() throws Exception {
        when(database.find("alice")).thenReturn(Optional.of(alice(true)));
        LoginOutcome outcome = login("alice", "alice-password");
        assertEquals(LoginOutcome.Kind.SUCCESS, outcome.kind());
        assertEquals(Optional.of(Tier.DATABASE), outcome.tier());
        assertTrue(tier.find("alice").isPresent());
        verify(audit).record(any(AuditEvent.class));
    }

    @Test
    void cachedUserLogsInFromTheTierWhileTheDatabaseCannotAnswer() throws Exception {
        tier.remember(alice(true));
        databaseDown();
        LoginOutcome outcome = login("alice", "alice-password");
        assertEquals(LoginOutcome.Kind.SUCCESS, outcome.kind());
        assertEquals(Optional.of(Tier.CACHE), outcome.tier());
    }

    @Test
    void emergencyServiceCallsCachedLoginsEmergency() throws Exception {
        tier.remember(alice(true));
        databaseDown();
        assertEquals(Optional.of(Tier.EMERGENCY), service(Tier.EMERGENCY, Tier.EMERGENCY).login("alice", "alice-password".toCharArray(), CLIENT).tier());
    }

    @Test
    void uncachedUserIsUnavailableWithRetryAfter() throws Exception {
        databaseDown();
        LoginOutcome outcome = login("carol", "whatever");
        assertEquals(LoginOutcome.Kind.UNAVAILABLE, outcome.kind());
        assertEquals(Optional.of(Duration.ofSeconds(5)), outcome.retryAfter());
    }

    @Test
    void wrongPasswordsAgainstTheTierAreLimitedButNeverLockTheDatabaseLoginOut() throws Exception {
        tier.remember(alice(true));
        databaseDown();
        for (int i = 0; i < 3; i++) {
            assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, login("alice", "wrong").kind());
        }
        // Guessing against the tier stops at the same limit, also for the right password ...
        LoginOutcome throttled = login("alice", "alice-password");
        assertEquals(LoginOutcome.Kind.THROTTLED, throttled.kind());
        assertEquals(Optional.of(Duration.ofMinutes(5)), throttled.retryAfter());
        // ... but once the database answers again, our outage has not locked alice out.
        org.mockito.Mockito.reset(database);
        when(database.find("alice")).thenReturn(Optional.of(alice(true)));
        LoginOutcome back = login("alice", "alice-password");
        assertEquals(LoginOutcome.Kind.SUCCESS, back.kind());
        assertEquals(Optional.of(Tier.DATABASE), back.tier());
    }

    @Test
    void aClientLockedOutOfTheTierIsRefusedAlsoForAUserTheTierDoesNotHold() throws Exception {
        LoginService strict = new LoginService(database, tier, passwords, new Throttle(5, 3, Duration.ofMinutes(5), clock),
                audit, Tier.DATABASE, Tier.CACHE, Duration.ofSeconds(5), clock);
        tier.remember(alice(true));
        databaseDown();
        for (int i = 0; i < 3; i++) {
            assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, strict.login("alice", "wrong".toCharArray(), CLIENT).kind());
        }
        // A 503 here would tell this client that carol is not in the tier: it gets the refusal everyone gets.
        assertEquals(LoginOutcome.Kind.THROTTLED, strict.login("carol", "whatever".toCharArray(), CLIENT).kind());
        assertEquals(LoginOutcome.Kind.UNAVAILABLE, strict.login("carol", "whatever".toCharArray(), "192.0.2.99").kind(),
                "another client is not refused");
    }

    @Test
    void aDatabaseSuccessClearsTheTiersCountToo() throws Exception {
        tier.remember(alice(true));
        databaseDown();
        for (int i = 0; i < 2; i++) {
            login("alice", "wrong");
        }
        org.mockito.Mockito.reset(database);
        when(database.find("alice")).thenReturn(Optional.of(alice(true)));
        assertEquals(LoginOutcome.Kind.SUCCESS, login("alice", "alice-password").kind());
        org.mockito.Mockito.reset(database);
        databaseDown();
        for (int i = 0; i < 2; i++) {
            assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, login("alice", "wrong").kind());
        }
        assertEquals(LoginOutcome.Kind.SUCCESS, login("alice", "alice-password").kind());
    }

    @Test
    void aCredentialQueryTheDatabaseRefusesIsAnAuditedOutcomeNotAnException() throws Exception {
        when(database.find("alice")).thenThrow(queryRefused());
        LoginOutcome outcome = login("alice", "alice-password");
        assertEquals(LoginOutcome.Kind.QUERY_FAILED, outcome.kind());
        assertTrue(outcome.user().isEmpty());
        org.mockito.ArgumentCaptor<AuditEvent> event = org.mockito.ArgumentCaptor.forClass(AuditEvent.class);
        verify(audit).record(event.capture());
        assertEquals("query_failed", event.getValue().outcome());
        // Not an outage: the tier is not asked, and nothing counts towards lock-out.
        tier.remember(alice(true));
        for (int i = 0; i < 5; i++) {
            assertEquals(LoginOutcome.Kind.QUERY_FAILED, login("alice", "wrong").kind());
        }
    }

    /** A CredentialQueryException as SqlCredentialStore throws it (its constructor is package-private there). */
    private static RuntimeException queryRefused() throws Exception {
        java.lang.reflect.Constructor<dev.holdfast.credential.CredentialQueryException> constructor =
                dev.holdfast.credential.CredentialQueryException.class.getDeclaredConstructor(String.class);
        constructor.setAccessible(true);
        return constructor.newInstance("[holdfast.sql.user] failed on the database: SQLState 42P01");
    }

    @Test
    void databaseJudgedFailuresLockTheUserOutOfThisClient() throws Exception {
        when(database.find("alice")).thenReturn(Optional.of(alice(true)));
        for (int i = 0; i < 3; i++) {
            assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, login("alice", "wrong").kind());
        }
        LoginOutcome throttled = login("alice", "alice-password");
        assertEquals(LoginOutcome.Kind.THROTTLED, throttled.kind());
        assertEquals(Optional.of(Duration.ofMinutes(5)), throttled.retryAfter());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(LoginOutcome.Kind.SUCCESS, login("alice", "alice-password").kind());
    }

    @Test
    void userTheDatabaseNoLongerKnowsLeavesTheTier() throws Exception {
        tier.remember(alice(true));
        when(database.find("alice")).thenReturn(Optional.empty());
        assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, login("alice", "alice-password").kind());
        assertTrue(tier.find("alice").isEmpty());
    }

    @Test
    void disabledUserLeavesTheTierUnderTheDatabasesSpellingToo() throws Exception {
        tier.remember(alice(true));
        when(database.find("ALICE")).thenReturn(Optional.of(alice(false)));
        assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, login("ALICE", "alice-password").kind());
        assertTrue(tier.find("alice").isEmpty());
    }

    @Test
    void changedPasswordReplacesTheCachedHash() throws Exception {
        tier.remember(alice(true));
        String newHash = passwords.hash("new-password".toCharArray());
        when(database.find("alice")).thenReturn(Optional.of(
                new StoredCredential("alice", Optional.of("7"), newHash, List.of("user"), true, clock.instant())));
        assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, login("alice", "alice-password").kind());
        assertEquals(newHash, tier.find("alice").orElseThrow().passwordHash(), "the old password must not work in the next outage");
    }

    @Test
    void parallelGuessesAreCountedBeforeTheyAreChecked() throws Exception {
        // Every lookup waits until all twenty guesses have looked up, so all twenty reach the password check at
        // once: the old check-then-act throttle let all twenty be checked, because none had failed yet.
        int guesses = 20;
        java.util.concurrent.CountDownLatch looked = new java.util.concurrent.CountDownLatch(guesses);
        when(database.find("alice")).thenAnswer(invocation -> {
            looked.countDown();
            assertTrue(looked.await(30, java.util.concurrent.TimeUnit.SECONDS), "all guesses looked up");
            return Optional.of(alice(true));
        });
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(guesses);
        try {
            List<java.util.concurrent.Future<LoginOutcome>> outcomes = new java.util.ArrayList<>();
            for (int i = 0; i < guesses; i++) {
                String guess = "guess-" + i;
                outcomes.add(pool.submit(() -> login("alice", guess)));
            }
            int invalid = 0;
            int throttled = 0;
            for (java.util.concurrent.Future<LoginOutcome> outcome : outcomes) {
                LoginOutcome.Kind kind = outcome.get(60, java.util.concurrent.TimeUnit.SECONDS).kind();
                invalid += kind == LoginOutcome.Kind.INVALID_CREDENTIALS ? 1 : 0;
                throttled += kind == LoginOutcome.Kind.THROTTLED ? 1 : 0;
            }
            assertEquals(3, invalid, "maxFailures = 3: only three guesses are checked");
            assertEquals(guesses - 3, throttled);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(LoginOutcome.Kind.THROTTLED, login("alice", "alice-password").kind());
    }

    @Test
    void throttledAttemptNeverReachesTheDatabase() throws Exception {
        when(database.find("alice")).thenReturn(Optional.of(alice(true)));
        for (int i = 0; i < 3; i++) {
            login("alice", "wrong");
        }
        org.mockito.Mockito.clearInvocations(database);
        login("alice", "alice-password");
        verify(database, never()).find(anyString());
    }

    @Test
    void theObserverIsToldEveryOutcomeOnce() throws Exception {
        List<LoginOutcome> seen = new java.util.ArrayList<>();
        LoginService observed = new LoginService(database, tier, passwords, throttle, audit, Tier.DATABASE, Tier.CACHE,
                Duration.ofSeconds(5), clock, PasswordUpgrades.off(passwords), (outcome, nanos) -> {
                    assertTrue(nanos >= 0, "a duration");
                    seen.add(outcome);
                });
        when(database.find("alice")).thenReturn(Optional.of(alice(true)));
        observed.login("alice", "alice-password".toCharArray(), CLIENT);
        observed.login("alice", "wrong".toCharArray(), CLIENT);
        assertEquals(List.of("SUCCESS database", "INVALID_CREDENTIALS none"), seen.stream()
                .map(o -> o.kind() + " " + o.tier().map(Tier::wireName).orElse("none")).collect(java.util.stream.Collectors.toList()));
    }

    @Test
    void aLookupLeavesTheTimeOfOnePasswordCheckAndAQuarterMoreForTheRestOfTheLogin() {
        Duration check = passwords.typicalCheck();
        assertEquals(check.plus(check.dividedBy(4)), LoginService.roomAfterLookup(passwords).get());
    }
}
