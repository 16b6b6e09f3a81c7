package dev.holdfast.token;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A token whose signature, type, issuer, audience, lifetime and revocation were checked. Immutable. */
public final class VerifiedToken {

    private final String subject;
    private final Optional<String> userId;
    private final Set<String> roles;
    private final Optional<String> tier;
    private final String jti;
    private final Instant expiresAt;
    private final Instant acceptedUntil;
    private final Map<String, Object> claims;

    VerifiedToken(String subject, Optional<String> userId, Set<String> roles, Optional<String> tier,
                  String jti, Instant expiresAt, Instant acceptedUntil, Map<String, Object> claims) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.userId = Objects.requireNonNull(userId, "userId");
        this.roles = Set.copyOf(roles);
        this.tier = Objects.requireNonNull(tier, "tier");
        this.jti = Objects.requireNonNull(jti, "jti");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.acceptedUntil = Objects.requireNonNull(acceptedUntil, "acceptedUntil");
        this.claims = Objects.requireNonNull(claims, "claims");
    }

    /** {@code sub}: the username. */
    public String subject() {
        return subject;
    }

    /** {@code uid}, when the token carries one. */
    public Optional<String> userId() {
        return userId;
    }

    /** {@code roles}; empty when the token carries none. */
    public Set<String> roles() {
        return roles;
    }

    /** {@code tier}: which tier verified the password ({@code database}, {@code cache}, {@code emergency}). */
    public Optional<String> tier() {
        return tier;
    }

    public String jti() {
        return jti;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * The first instant the verifier refuses this token as expired: {@code exp} plus the clock skew. A revocation
     * must last until then, or the token would be accepted again in the skew after {@code exp}.
     */
    public Instant acceptedUntil() {
        return acceptedUntil;
    }

    /** Every claim, unmodifiable (nested lists and maps too). */
    public Map<String, Object> claims() {
        return claims;
    }

    @Override
    public String toString() {
        return "VerifiedToken[sub=" + subject + ", jti=" + jti + ", expiresAt=" + expiresAt + "]";
    }
}
