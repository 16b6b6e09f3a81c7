package dev.holdfast.login;

import dev.holdfast.credential.StoredCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Outcomes for tests of what observes logins (the factories are the login package's own). */
public final class LoginOutcomes {
    private LoginOutcomes() {
    }

    public static LoginOutcome success(Tier tier) {
        return LoginOutcome.success(new StoredCredential("alice", Optional.empty(), "$2y$04$unused", List.of("user"),
                true, Instant.EPOCH), tier);
    }

    public static LoginOutcome invalidCredentials() {
        return LoginOutcome.invalidCredentials();
    }

    public static LoginOutcome unavailable() {
        return LoginOutcome.unavailable(Duration.ofSeconds(5));
    }
}
