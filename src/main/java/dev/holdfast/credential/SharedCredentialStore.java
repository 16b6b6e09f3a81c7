package dev.holdfast.credential;

import java.time.Duration;
import java.util.Optional;

/**
 * Sealed credential records kept where every node of a fleet can read them, by username. Calls return within
 * the store's deadline; a store that cannot answer reads as empty.
 */
public interface SharedCredentialStore {
    /** The sealed record stored for this user, or empty when there is none or the store cannot answer. */
    Optional<byte[]> get(String username);

    /** Stores the sealed record for this user for {@code ttl}, replacing any earlier one. */
    void put(String username, byte[] sealed, Duration ttl);

    /** Forgets this user's record. */
    void remove(String username);
}
