package dev.holdfast.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SealedCredentialsTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final SealedCredentials seal = new SealedCredentials(KEY);
    private final StoredCredential alice = new StoredCredential("alice", Optional.of("42"),
            "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", List.of("admin", "user"), true,
            Instant.parse("2026-01-01T10:00:00.123456789Z"));

    @Test
    void roundTripsEveryField() {
        assertEquals(Optional.of(alice), seal.open("alice", seal.seal(alice)));
        StoredCredential bare = new StoredCredential("bob", Optional.empty(), "h", List.of(), true, Instant.EPOCH);
        assertEquals(Optional.of(bare), seal.open("bob", seal.seal(bare)));
        StoredCredential unicode = new StoredCredential("Zoë 東京", Optional.of(""), "x", List.of("rôle"), true,
                Instant.EPOCH);
        assertEquals(Optional.of(unicode), seal.open("Zoë 東京", seal.seal(unicode)));
    }

    @Test
    void everySingleChangedByteIsDetected() {
        byte[] sealed = seal.seal(alice);
        for (int i = 0; i < sealed.length; i++) {
            byte[] edited = sealed.clone();
            edited[i] ^= 0x01;
            assertEquals(Optional.empty(), seal.open("alice", edited), "byte " + i);
        }
    }

    @Test
    void anEntryMovedToAnotherUsernameIsRejected() {
        assertEquals(Optional.empty(), seal.open("mallory", seal.seal(alice)));
    }

    @Test
    void anEntrySealedUnderAnotherKeyIsRejected() {
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        assertEquals(Optional.empty(), new SealedCredentials(otherKey).open("alice", seal.seal(alice)));
    }

    @Test
    void truncatedOrEmptyBytesAreRejected() {
        byte[] sealed = seal.seal(alice);
        for (int length = 0; length < sealed.length; length++) {
            assertEquals(Optional.empty(), seal.open("alice", Arrays.copyOf(sealed, length)), "length " + length);
        }
    }

    @Test
    void theHashAndTheRolesAreEncryptedNotOnlyAuthenticated() {
        byte[] sealed = seal.seal(alice);
        String asText = new String(sealed, StandardCharsets.ISO_8859_1);
        assertFalse(asText.contains("admin"), "roles are not readable");
        assertFalse(asText.contains("$2b$") || asText.contains("abcdefghijklmnop"), "the hash is not readable");
        assertFalse(asText.contains("alice"), "nor the username");
        assertEquals(2, sealed[0], "format version");
    }

    @Test
    void sealingTheSameCredentialTwiceGivesDifferentBytes() {
        // a fresh nonce per entry: equal hashes do not show as equal entries
        assertFalse(Arrays.equals(seal.seal(alice), seal.seal(alice)));
    }

    @Test
    void anEntryOfTheOlderHmacOnlyFormatDoesNotOpen() {
        byte[] sealed = seal.seal(alice);
        sealed[0] = 1;
        assertEquals(Optional.empty(), seal.open("alice", sealed));
    }

    @Test
    void refusesAShortKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SealedCredentials(new byte[31]));
        assertEquals("integrityKey must be at least 32 bytes, is 31", e.getMessage());
    }

    @Test
    void toStringOfACredentialNeverShowsTheHash() {
        assertFalse(alice.toString().contains("$2b$"), alice.toString());
        assertTrue(alice.toString().contains("passwordHash=****"));
    }

    @Test
    void theSharedFormatRoundTripsItsExpiryAndDetectsEveryChangedByte() {
        SealedCredentials shared = new SealedCredentials(KEY, SealedCredentials.Format.SHARED);
        Instant expiresAt = Instant.parse("2026-01-01T22:00:00.5Z");
        byte[] sealed = shared.seal(alice, expiresAt);
        SealedCredentials.Opened opened = shared.openShared("alice", sealed).orElseThrow();
        assertEquals(alice, opened.credential);
        assertEquals(expiresAt, opened.expiresAt);
        for (int i = 0; i < sealed.length; i++) {
            byte[] edited = sealed.clone();
            edited[i] ^= 0x01;
            assertTrue(shared.openShared("alice", edited).isEmpty(), "byte " + i);
        }
        assertTrue(shared.openShared("mallory", sealed).isEmpty());
    }

    @Test
    void aLocalEntryNeverOpensAsASharedOneUnderTheSameKeyNorTheReverse() {
        SealedCredentials shared = new SealedCredentials(KEY, SealedCredentials.Format.SHARED);
        byte[] local = seal.seal(alice);
        local[0] = 1; // even with the shared version byte
        assertTrue(shared.openShared("alice", local).isEmpty());
        byte[] sharedEntry = shared.seal(alice, Instant.MAX);
        sharedEntry[0] = 2;
        assertEquals(Optional.empty(), seal.open("alice", sharedEntry));
        assertThrows(IllegalStateException.class, () -> seal.seal(alice, Instant.MAX), "one format per codec");
    }
}
