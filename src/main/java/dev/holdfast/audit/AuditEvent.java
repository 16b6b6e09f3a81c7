package dev.holdfast.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One login attempt: when, who (as typed), how it ended, which tier answered, from where. */
public final class AuditEvent {
    private final Instant at;
    private final String username;
    private final String outcome;
    private final String tier;
    private final String clientIp;

    private AuditEvent(Instant at, String username, String outcome, String tier, String clientIp) {
        this.at = Objects.requireNonNull(at, "at");
        this.username = username;
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.tier = tier;
        this.clientIp = clientIp;
        if (outcome.isBlank()) {
            throw new IllegalArgumentException("outcome must not be blank");
        }
    }

    /**
     * @param username as the client sent it; may be null (malformed request)
     * @param outcome  e.g. {@code success}, {@code invalid_credentials}, {@code unavailable}, {@code throttled},
     *                 {@code query_failed}
     * @param tier     {@code database}, {@code cache}, {@code emergency}; null when no tier answered
     * @param clientIp may be null
     */
    public static AuditEvent of(Instant at, String username, String outcome, String tier, String clientIp) {
        return new AuditEvent(at, username, outcome, tier, clientIp);
    }

    public Instant at() {
        return at;
    }

    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    public String outcome() {
        return outcome;
    }

    public Optional<String> tier() {
        return Optional.ofNullable(tier);
    }

    public Optional<String> clientIp() {
        return Optional.ofNullable(clientIp);
    }

    @Override
    public String toString() {
        return "AuditEvent[" + AuditLog.line(this, null) + "]";
    }
}
