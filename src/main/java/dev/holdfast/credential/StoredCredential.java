package dev.holdfast.credential;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One user's row as the database last confirmed it: name, optional id, password hash, roles, enabled, and when
 * the database said so. Immutable (the roles are a copy), so a cached copy can never lose its hash the way
 * erased credentials did in Spring's user cache. {@link #toString()} never prints the hash.
 */
public final class StoredCredential {
    private final String username;
    private final Optional<String> userId;
    private final String passwordHash;
    private final List<String> roles;
    private final boolean enabled;
    private final Instant confirmedAt;

    public StoredCredential(String username, Optional<String> userId, String passwordHash, List<String> roles,
            boolean enabled, Instant confirmedAt) {
        this.username = Objects.requireNonNull(username, "username");
        this.userId = Objects.requireNonNull(userId, "userId");
        this.passwordHash = Objects.requireNonNull(passwordHash, "passwordHash");
        this.roles = List.copyOf(Objects.requireNonNull(roles, "roles"));
        this.enabled = enabled;
        this.confirmedAt = Objects.requireNonNull(confirmedAt, "confirmedAt");
    }

    public String username() {
        return username;
    }

    /** The {@code id} column, when the query returns one (the token's {@code uid}). */
    public Optional<String> userId() {
        return userId;
    }

    /** The stored hash (never a password). Never log it. */
    public String passwordHash() {
        return passwordHash;
    }

    /** Role names, in the order the database gave them; unmodifiable. */
    public List<String> roles() {
        return roles;
    }

    public boolean enabled() {
        return enabled;
    }

    /** When the database last returned this row. */
    public Instant confirmedAt() {
        return confirmedAt;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof StoredCredential)) {
            return false;
        }
        StoredCredential that = (StoredCredential) other;
        return enabled == that.enabled && username.equals(that.username) && userId.equals(that.userId)
                && passwordHash.equals(that.passwordHash) && roles.equals(that.roles)
                && confirmedAt.equals(that.confirmedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(username, userId, passwordHash, roles, enabled, confirmedAt);
    }

    @Override
    public String toString() {
        return "StoredCredential[username=" + username + ", userId=" + userId.orElse("(none)") + ", roles=" + roles
                + ", enabled=" + enabled + ", confirmedAt=" + confirmedAt + ", passwordHash=****]";
    }
}
