package dev.holdfast.token;

import java.time.Instant;

/**
 * Where a logout sends the revoked token's id: this node's {@link RevocationList}, or that list plus the other
 * nodes when shared state is on.
 */
public interface Revoker {
    /** Refuses the token with this {@code jti} until {@code expiresAt} (its {@code exp} plus the clock skew). */
    void revoke(String jti, Instant expiresAt);
}
