package dev.holdfast.credential;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the nodes of a fleet share their credential tier (Redis, for example), so a user the database verified on
 * one node can log in on another while the database cannot answer. The store holds opaque bytes only: the
 * {@link CredentialTier} seals every entry (AES-256-GCM under a key the store never sees, bound to the username,
 * with its expiry inside) before {@link #put} and checks it after {@link #get}, so a store that lies, or whoever
 * can write to it, can make the tier miss but cannot make it accept a hash Holdfast did not seal for that user.
 *
 * <p>Rules for implementations:
 * <ul>
 *   <li>Return or throw fast: every call is made on a login's thread, so bound it with the client's own connect and
 *       command timeouts (tens of milliseconds, at most {@link CredentialTier#SLOW_SHARED_CALL}). A call that
 *       takes longer counts as a failure: the tier then leaves the store alone for
 *       {@link CredentialTier#SHARED_RETRY_AFTER} (removals excepted).</li>
 *   <li>Any call may fail with an unchecked exception; the tier catches it, logs it (rate-limited, without the
 *       bytes) and carries on with its local copy. Do not retry inside a call.</li>
 *   <li>{@link #get} may return empty when the store is unavailable; the tier reads that as a miss.</li>
 *   <li>Keep the bytes exactly as given; never log them.</li>
 *   <li>Thread-safe: called from every request thread at once.</li>
 * </ul>
 */
public interface SharedCredentialStore {

    /** The bytes last {@link #put} for {@code username} and not yet expired or removed, or empty. */
    Optional<byte[]> get(String username);

    /**
     * Stores {@code sealed} for {@code username}, replacing what was there, for {@code ttl} (positive) at most: the
     * store may drop it earlier (eviction), never keep it longer.
     */
    void put(String username, byte[] sealed, Duration ttl);

    /** Drops {@code username}'s entry, if any: the database says the user is gone, disabled or changed. */
    void remove(String username);

    /**
     * Whether the store can be expected to answer now, known without a call (a client's breaker, a connection's
     * last heartbeat). While false the tier reads and writes nothing there and health does not count the store as
     * able to answer. A store whose calls fail by throwing may leave this true.
     */
    default boolean available() {
        return true;
    }
}
