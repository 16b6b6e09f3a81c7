package dev.holdfast.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What counts as below the policy, so that a login rehashes it; and the policy's own bounds. */
class HashPolicyTest {
    private static final String BCRYPT_5 = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
    private static final String ARGON2ID_M256_T2 =
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
    private static final String PBKDF2_1000 =
            "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c";
    private static final String DJANGO_1000 = "pbkdf2_sha256$1000$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=";

    private static PasswordVerifier verifier(int bcryptCost, int pbkdf2Iterations, int argon2Memory, int argon2Passes) {
        return new PasswordVerifier(new HashPolicy(bcryptCost, pbkdf2Iterations, argon2Memory, argon2Passes, false));
    }

    @Test
    void bcryptBelowTheConfiguredCostIsUpgradedAtOrAboveItIsNot() {
        assertTrue(verifier(6, 1000, 256, 2).needsRehash(BCRYPT_5));
        assertFalse(verifier(5, 1000, 256, 2).needsRehash(BCRYPT_5));
        assertFalse(verifier(4, 1000, 256, 2).needsRehash(BCRYPT_5));
    }

    @Test
    void pbkdf2AndDjangoBelowTheConfiguredIterationsAreUpgraded() {
        assertTrue(verifier(4, 1001, 256, 2).needsRehash(PBKDF2_1000));
        assertTrue(verifier(4, 1001, 256, 2).needsRehash(DJANGO_1000));
        assertFalse(verifier(4, 1000, 256, 2).needsRehash(PBKDF2_1000));
        assertFalse(verifier(4, 1000, 256, 2).needsRehash(DJANGO_1000));
    }

    @Test
    void argon2BelowTheConfiguredMemoryOrPassesIsUpgraded() {
        assertTrue(verifier(4, 1000, 257, 2).needsRehash(ARGON2ID_M256_T2));
        assertTrue(verifier(4, 1000, 256, 3).needsRehash(ARGON2ID_M256_T2));
        assertFalse(verifier(4, 1000, 256, 2).needsRehash(ARGON2ID_M256_T2));
    }

    @Test
    void theDefaultPolicyUpgradesTheWeakVectorsAndNotItsOwnHashes() {
        PasswordVerifier deployed = new PasswordVerifier();
        assertTrue(deployed.needsRehash(BCRYPT_5));
        assertTrue(deployed.needsRehash(PBKDF2_1000));
        assertTrue(deployed.needsRehash(ARGON2ID_M256_T2));
        assertFalse(deployed.needsRehash(deployed.hash("password".toCharArray())));
    }

    @Test
    void hashesNoFamilyReadsAreNeverUpgraded() {
        PasswordVerifier deployed = new PasswordVerifier();
        for (String stored : new String[] {"", "plain text", "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$2a$05$short", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="}) {
            assertFalse(deployed.needsRehash(stored), stored);
        }
    }

    @Test
    void newHashesAndTheBurnUseTheConfiguredCost() {
        PasswordVerifier five = new PasswordVerifier(HashPolicy.DEFAULT.withBcryptCost(5));
        assertTrue(five.hash("x".toCharArray()).startsWith("$2b$05$"));
        assertTrue(five.dummyHash().startsWith("$2b$05$"));
    }

    @Test
    void refusesValuesTheFamiliesCannotRead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashPolicy.DEFAULT.withBcryptCost(15));
        assertEquals("bcryptCost must be 4 to 14: 15", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HashPolicy.DEFAULT.withBcryptCost(3));
        assertThrows(IllegalArgumentException.class, () -> new HashPolicy(12, 0, 19_456, 2, false));
        assertThrows(IllegalArgumentException.class, () -> new HashPolicy(12, 600_000, 65_537, 2, false));
        assertThrows(IllegalArgumentException.class, () -> new HashPolicy(12, 600_000, 19_456, 11, false));
    }
}
