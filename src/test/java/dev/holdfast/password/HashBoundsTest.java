package dev.holdfast.password;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The work factors a stored hash may ask for are bounded: over the bound the family answers OVER_BOUND
 * before any hashing (a cost-31 bcrypt or 2^32-1 iterations would otherwise run for days).
 */
class HashBoundsTest {

    private static final char[] PASSWORD = "password".toCharArray();
    private static final byte[] PASSWORD_UTF8 = "password".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {"15", "20", "31", "99"})
    void bcryptCostOverFourteenIsOverTheBound(String cost) {
        assertEquals(Verdict.Kind.OVER_BOUND, new BcryptHash().verify(PASSWORD, PASSWORD_UTF8,
                "$2b$" + cost + "$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW").kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "m=65537,t=1,p=1", // memory
            "m=4294967295,t=1,p=1",
            "m=1024,t=11,p=1", // passes
            "m=65536,t=5,p=1", // memory x passes
            "m=32768,t=9,p=1",
            "m=1024,t=1,p=17", // lanes
    })
    void argon2ParametersOverTheirBoundsAreOverTheBound(String parameters) {
        assertEquals(Verdict.Kind.OVER_BOUND, new Argon2Hash().verify(PASSWORD, PASSWORD_UTF8,
                "$argon2id$v=19$" + parameters + "$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4").kind());
    }

    @Test
    void argon2AdmitsAtMostSixteenParameterSetsPerVerifier() {
        Argon2Hash argon2 = new Argon2Hash();
        for (int m = 8; m <= 8 * Argon2Hash.MAX_PARAMETER_SETS; m += 8) {
            assertEquals(Verdict.Kind.MISMATCH, argon2.verify(PASSWORD, PASSWORD_UTF8, tinyArgon2(m)).kind(), "m=" + m);
        }
        assertEquals(Verdict.Kind.OVER_BOUND,
                argon2.verify(PASSWORD, PASSWORD_UTF8, tinyArgon2(8 * Argon2Hash.MAX_PARAMETER_SETS + 8)).kind());
        // The sets already admitted still verify.
        assertEquals(Verdict.Kind.MISMATCH, argon2.verify(PASSWORD, PASSWORD_UTF8, tinyArgon2(8)).kind());
    }

    @Test
    void argon2AdmitsParameterSetsUntilTheirMemoryAddsUpToTheBudget() {
        Argon2Hash argon2 = new Argon2Hash(Argon2Hash.MAX_PARAMETER_SETS, 1024);
        assertEquals(Verdict.Kind.MISMATCH, argon2.verify(PASSWORD, PASSWORD_UTF8, tinyArgon2(512)).kind());
        assertEquals(Verdict.Kind.MISMATCH, argon2.verify(PASSWORD, PASSWORD_UTF8, tinyArgon2(504)).kind());
        assertEquals(Verdict.Kind.OVER_BOUND, argon2.verify(PASSWORD, PASSWORD_UTF8, tinyArgon2(16)).kind());
        assertEquals(Verdict.Kind.MISMATCH, argon2.verify(PASSWORD, PASSWORD_UTF8, tinyArgon2(8)).kind());
        assertEquals(Verdict.Kind.OVER_BOUND, argon2.verify(PASSWORD, PASSWORD_UTF8, tinyArgon2(16)).kind());
    }

    @Test
    void argon2BudgetByDefaultIsFourSetsAtTheMemoryBound() {
        assertEquals(4L * Argon2Hash.MAX_MEMORY_KIB, Argon2Hash.MAX_ADMITTED_MEMORY_KIB);
        assertEquals(16, Argon2Hash.MAX_PARAMETER_SETS);
    }

    @Test
    void pbkdf2Sha256IterationsOverThreeMillionAreOverTheBound() {
        assertEquals(Verdict.Kind.OVER_BOUND, new Pbkdf2Hash().verify(PASSWORD, PASSWORD_UTF8,
                "$pbkdf2-sha256$i=3000001$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c").kind());
        assertEquals(Verdict.Kind.OVER_BOUND, new Pbkdf2Hash().verify(PASSWORD, PASSWORD_UTF8,
                "$pbkdf2-sha256$4294967295$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo.Qwv7UYtHHmeg9SK49fGkEamC2c").kind());
    }

    @Test
    void pbkdf2Sha512IterationsOverOneMillionAreOverTheBound() {
        assertEquals(Verdict.Kind.OVER_BOUND, new Pbkdf2Hash().verify(PASSWORD, PASSWORD_UTF8,
                "$pbkdf2-sha512$i=1000001$AAECAwQFBgcICQoLDA0ODw$x05AgND7tB/uWGjA/2D9dayuJjghWYfl/1T46uIRM5ta0a9uOHvBLdOnC7blqQEIFBxfCONToumEQ5pDM8Qtbg").kind());
    }

    @Test
    void djangoIterationsOverThreeMillionAreOverTheBound() {
        assertEquals(Verdict.Kind.OVER_BOUND, new DjangoPbkdf2Hash().verify(PASSWORD, PASSWORD_UTF8,
                "pbkdf2_sha256$3000001$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=").kind());
        assertEquals(Verdict.Kind.OVER_BOUND, new DjangoPbkdf2Hash().verify(PASSWORD, PASSWORD_UTF8,
                "pbkdf2_sha256$9999999999$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=").kind());
    }

    @Test
    void boundsAreTheDocumentedFigures() {
        assertEquals(14, BcryptHash.MAX_COST);
        assertEquals(65_536, Argon2Hash.MAX_MEMORY_KIB);
        assertEquals(10, Argon2Hash.MAX_PASSES);
        assertEquals(16, Argon2Hash.MAX_LANES);
        assertEquals(3_000_000, Pbkdf2Hash.MAX_ITERATIONS_SHA256);
        assertEquals(1_000_000, Pbkdf2Hash.MAX_ITERATIONS_SHA512);
    }

    /** A well-formed Argon2id hash with m KiB, one pass, one lane, and a tag nobody's password makes. */
    private static String tinyArgon2(int m) {
        return "$argon2id$v=19$m=" + m + ",t=1,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA";
    }
}
