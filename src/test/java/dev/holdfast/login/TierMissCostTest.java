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
import dev.holdfast.credential.SqlCredentialStore;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.password.HashPolicy;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.MutableClock;
import java.time.Duration;
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
}
