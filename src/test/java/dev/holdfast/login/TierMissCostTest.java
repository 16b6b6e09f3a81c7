package dev.holdfast.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.holdfast.audit.AuditLog;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.credential.InMemorySharedCredentialStore;
import dev.holdfast.credential.StoredCredential;
import dev.holdfast.credential.SqlCredentialStore;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.password.HashPolicy;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * During an outage a user the credential tier does not hold costs the same hash work as a cached user's check
 * before the {@code 503}, so the time of the answer does not tell who is in the tier (finding 3: 0.02 s against
 * 0.32 s). Counted here, not timed; {@code LoginTimingIT} measures it over HTTP.
 */
class TierMissCostTest {
    private final MutableClock clock = new MutableClock();
    private final SqlCredentialStore database = mock(SqlCredentialStore.class);
    private final CredentialTier tier = new CredentialTier(Duration.ofHours(12), 100, Optional.empty(), new byte[32], clock);
    private final PasswordVerifier passwords = spy(new PasswordVerifier(HashPolicy.DEFAULT.withBcryptCost(4)));
    private final LoginService logins = new LoginService(database, tier, passwords, new Throttle(5, 50, Duration.ofMinutes(5), clock),
            mock(AuditLog.class), Tier.DATABASE, Tier.CACHE, Duration.ofSeconds(5), clock);

    @AfterEach
    void closeTier() {
        tier.close();
    }

    @Test
    void aUserTheTierDoesNotHoldCostsOneDefaultFormatVerifyBeforeThe503() throws Exception {
        when(database.find(anyString())).thenThrow(new DatabaseUnavailableException(DatabaseUnavailableException.Reason.TIMEOUT));
        LoginOutcome outcome = logins.login("stranger", "a-password".toCharArray(), "192.0.2.10");
        assertEquals(LoginOutcome.Kind.UNAVAILABLE, outcome.kind());
        verify(passwords, times(1)).burnEquivalentWork(any(char[].class));
    }

    @Test
    void withASharedStoreAMissInBothTiersCostsTheSameStoreReadAndVerifyAsAHit() throws Exception {
        InMemorySharedCredentialStore store = new InMemorySharedCredentialStore(clock);
        try (CredentialTier nodeA = sharedTier(store); CredentialTier nodeB = sharedTier(store)) {
            String hash = passwords.hash("right-password".toCharArray());
            nodeA.remember(new StoredCredential("alice", Optional.empty(), hash, List.of(), true, clock.instant()));
            LoginService onB = new LoginService(database, nodeB, passwords, new Throttle(5, 50, Duration.ofMinutes(5), clock),
                    mock(AuditLog.class), Tier.DATABASE, Tier.CACHE, Duration.ofSeconds(5), clock);
            when(database.find(anyString())).thenThrow(new DatabaseUnavailableException(DatabaseUnavailableException.Reason.TIMEOUT));

            LoginOutcome miss = onB.login("stranger", "a-password".toCharArray(), "192.0.2.10");
            assertEquals(LoginOutcome.Kind.UNAVAILABLE, miss.kind());
            assertEquals(1, store.gets());
            verify(passwords, times(1)).burnEquivalentWork(any(char[].class));

            LoginOutcome hit = onB.login("alice", "wrong-password".toCharArray(), "192.0.2.10");
            assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, hit.kind());
            assertEquals(2, store.gets());
            verify(passwords, times(1)).matches(any(char[].class), anyString());
        }
    }

    @Test
    void withASharedStoreUnknownDisabledAndWrongPasswordEachCostOneStoreCallWhileTheDatabaseAnswers() throws Exception {
        InMemorySharedCredentialStore store = new InMemorySharedCredentialStore(clock);
        try (CredentialTier node = sharedTier(store)) {
            LoginService logins = new LoginService(database, node, passwords, new Throttle(5, 50, Duration.ofMinutes(5), clock),
                    mock(AuditLog.class), Tier.DATABASE, Tier.CACHE, Duration.ofSeconds(5), clock);
            String hash = passwords.hash("right-password".toCharArray());
            when(database.find("stranger")).thenReturn(Optional.empty());
            when(database.find("disabled")).thenReturn(Optional.of(
                    new StoredCredential("disabled", Optional.empty(), hash, List.of(), false, clock.instant())));
            when(database.find("alice")).thenReturn(Optional.of(
                    new StoredCredential("alice", Optional.empty(), hash, List.of(), true, clock.instant())));
            for (String user : List.of("stranger", "disabled", "alice")) {
                int calls = store.gets() + store.puts() + store.removes();
                assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS,
                        logins.login(user, "wrong-password".toCharArray(), "192.0.2.10").kind());
                assertEquals(calls + 1, store.gets() + store.puts() + store.removes(), user);
            }
            assertEquals(0, store.puts(), "nobody whose password the database did not verify is shared");
        }
    }

    private CredentialTier sharedTier(InMemorySharedCredentialStore store) {
        return new CredentialTier(Duration.ofHours(12), 100, Optional.empty(), new byte[32], clock, Optional.of(store),
                new byte[32]);
    }
}
