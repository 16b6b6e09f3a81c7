package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JournalKeyTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theSameSecretGivesTheSameKeyAndAnotherSecretAnother() {
        assertEquals(JournalKey.derive(SECRET).id(), JournalKey.derive(SECRET.clone()).id());
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        assertNotEquals(JournalKey.derive(SECRET).id(), JournalKey.derive(other).id());
    }

    @Test
    void theKeyIsNotTheSecretItself() {
        // HKDF: the MAC key is derived, so a MAC under the raw secret does not verify
        byte[] underDerived = JournalKey.derive(SECRET).newMac().doFinal(new byte[] {1});
        javax.crypto.Mac raw;
        try {
            raw = javax.crypto.Mac.getInstance("HmacSHA256");
            raw.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        assertFalse(java.util.Arrays.equals(underDerived, raw.doFinal(new byte[] {1})));
    }

    @Test
    void refusesAShortSecretAndNeverShowsTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JournalKey.derive(new byte[31]));
        assertEquals("a journal secret must be at least 32 bytes, is 31", e.getMessage());
        assertFalse(JournalKey.derive(SECRET).toString().contains("0123456789"));
    }
}
