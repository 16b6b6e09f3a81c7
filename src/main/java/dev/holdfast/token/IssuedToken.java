package dev.holdfast.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A token just issued. {@link #toString()} never shows the token itself. */
public final class IssuedToken {

    private final String compact;
    private final String jti;
    private final Instant expiresAt;
    private final Duration ttl;

    IssuedToken(String compact, String jti, Instant expiresAt, Duration ttl) {
        this.compact = Objects.requireNonNull(compact, "compact");
        this.jti = Objects.requireNonNull(jti, "jti");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /** The JWS compact serialization: the bearer credential. Never log it. */
    public String compact() {
        return compact;
    }

    public String jti() {
        return jti;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /** Lifetime from issue to expiry, whole seconds (for {@code expires_in} and the cookie's Max-Age). */
    public Duration ttl() {
        return ttl;
    }

    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", expiresAt=" + expiresAt + "]";
    }
}
