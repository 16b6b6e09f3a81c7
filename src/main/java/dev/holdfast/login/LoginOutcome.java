package dev.holdfast.login;

import dev.holdfast.credential.StoredCredential;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a login attempt came to. Wrong passwords and outages are ordinary outcomes, not exceptions. */
public final class LoginOutcome {
    /** The kinds of outcome; each maps to one status code in the servlets. */
    public enum Kind {
        SUCCESS,
        /** Wrong password, unknown or disabled user: indistinguishable to the client. */
        INVALID_CREDENTIALS,
        /** Too many recent failures for this user and client, or for this client. */
        THROTTLED,
        /** No tier could answer: the database is down and the user is not in the credential tier. */
        UNAVAILABLE,
        /**
         * The database refused the credential query ({@code holdfast.sql.user}): a table renamed, a permission
         * missing. Not an outage, so not the credential tier's to answer; an operator must act.
         */
        QUERY_FAILED;

        /** The audit name: {@code success}, {@code invalid_credentials}, {@code throttled}, {@code unavailable}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Who logged in: what a token says about the user. Never the password hash. */
    public static final class User {
        private final String username;
        private final Optional<String> userId;
        private final List<String> roles;

        private User(StoredCredential credential) {
            this.username = credential.username();
            this.userId = credential.userId();
            this.roles = credential.roles();
        }

        /** The username as the database holds it. */
        public String username() {
            return username;
        }

        /** The {@code id} column, when the query returns one. */
        public Optional<String> userId() {
            return userId;
        }

        /** Role names, unmodifiable. */
        public List<String> roles() {
            return roles;
        }

        @Override
        public String toString() {
            return "User[" + username + ", roles=" + roles + "]";
        }
    }

    private final Kind kind;
    private final User user;
    private final Tier tier;
    private final Duration retryAfter;

    private LoginOutcome(Kind kind, User user, Tier tier, Duration retryAfter) {
        this.kind = kind;
        this.user = user;
        this.tier = tier;
        this.retryAfter = retryAfter;
    }

    static LoginOutcome success(StoredCredential credential, Tier tier) {
        return new LoginOutcome(Kind.SUCCESS, new User(Objects.requireNonNull(credential, "credential")),
                Objects.requireNonNull(tier, "tier"), null);
    }

    static LoginOutcome queryFailed() {
        return new LoginOutcome(Kind.QUERY_FAILED, null, null, null);
    }

    static LoginOutcome invalidCredentials() {
        return new LoginOutcome(Kind.INVALID_CREDENTIALS, null, null, null);
    }

    static LoginOutcome throttled(Duration retryAfter) {
        return new LoginOutcome(Kind.THROTTLED, null, null, Objects.requireNonNull(retryAfter, "retryAfter"));
    }

    static LoginOutcome unavailable(Duration retryAfter) {
        return new LoginOutcome(Kind.UNAVAILABLE, null, null, Objects.requireNonNull(retryAfter, "retryAfter"));
    }

    public Kind kind() {
        return kind;
    }

    /** The verified user, on success. */
    public Optional<User> user() {
        return Optional.ofNullable(user);
    }

    /** Which tier verified the password, on success. */
    public Optional<Tier> tier() {
        return Optional.ofNullable(tier);
    }

    /** How long the client should wait, for {@link Kind#THROTTLED} and {@link Kind#UNAVAILABLE}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
        return "LoginOutcome[" + kind + (tier == null ? "" : ", " + tier.wireName()) + "]";
    }
}
