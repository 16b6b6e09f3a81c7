package dev.holdfast.login;

import java.time.Duration;
import java.util.Optional;

/**
 * Failure counts every node of a fleet sees, next to each node's own {@link Throttle}. Only failures the
 * database judged are shared; the keys are the throttle's own (user and client together, and client alone).
 * Every method returns within its store's deadline and never throws: an unreachable store reads as empty
 * and drops the update, and each node's own throttle goes on limiting attempts.
 */
public interface FleetFailures {
    /** No fleet: only this node's counts apply. */
    FleetFailures NONE = new FleetFailures() {
        @Override
        public Optional<Counts> read(String userKey, String clientKey) {
            return Optional.empty();
        }

        @Override
        public void failed(String userKey, String clientKey, Duration lockout) {
            // nothing to share with
        }

        @Override
        public void cleared(String userKey) {
            // nothing to share with
        }
    };

    /** The fleet's counts of both keys; empty when they cannot be read now. */
    Optional<Counts> read(String userKey, String clientKey);

    /** Counts one failure against both keys; each count lapses {@code lockout} after its last failure. */
    void failed(String userKey, String clientKey, Duration lockout);

    /** A database success: the user's count from this client starts again. */
    void cleared(String userKey);

    /** Two counts and how long each still lasts. */
    final class Counts {
        private final long user;
        private final Duration userRemaining;
        private final long client;
        private final Duration clientRemaining;

        public Counts(long user, Duration userRemaining, long client, Duration clientRemaining) {
            this.user = user;
            this.userRemaining = userRemaining;
            this.client = client;
            this.clientRemaining = clientRemaining;
        }

        public long user() {
            return user;
        }

        public Duration userRemaining() {
            return userRemaining;
        }

        public long client() {
            return client;
        }

        public Duration clientRemaining() {
            return clientRemaining;
        }
    }
}
