package dev.holdfast.password;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordVerifierTest {

    private static final String BCRYPT_U_STAR_U = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
    private static final String ARGON2ID_PASSWORD =
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
    private static final String PBKDF2_PASSWORD =
            "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c";
    private static final String DJANGO_PASSWORD =
            "pbkdf2_sha256$1000$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=";
    /** hashlib: PBKDF2-HMAC-SHA-256 of "a?b", the JDK's replacement for the lone surrogate in "a\uD800b". */
    private static final String PBKDF2_A_QUESTION_MARK_B =
            "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$MPPEdryvb8HnV6g9O27FBnIPa090HAHw1kd6Kcx+fTM";

    /** The verifier as deployed, for what new hashes and the burn look like. */
    private static PasswordVerifier verifier;
    /** bcrypt cost 4 for new hashes and the burn, so that the many never-matching rows below stay quick. */
    private static PasswordVerifier quick;

    private ListAppender<ILoggingEvent> logged;

    @BeforeAll
    static void buildVerifier() {
        verifier = new PasswordVerifier();
        quick = new PasswordVerifier(4);
    }

    @BeforeEach
    void captureLog() {
        logged = new ListAppender<>();
        logged.start();
        Logger logger = (Logger) LoggerFactory.getLogger(PasswordVerifier.class);
        logger.setLevel(Level.DEBUG);
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(PasswordVerifier.class)).detachAppender(logged);
    }

    static Stream<String> malformedHashes() {
        return Stream.of(
                // not a hash at all, or a family not read
                "password", "U*U", " ", "5f4dcc3b5aa765d61d8327deb882cf99", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
                "$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0", "$5$rounds=5000$saltsalt$Gcm6FsVtF/Qa77ZKD.iwsJlCVPY0XSMgLJL0Hnww/c1",
                "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$scrypt$ln=16,r=8,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "$pbkdf2$1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo.Qwv7UYtHHm",
                "pbkdf2_sha1$1000$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=",
                "argon2$" + ARGON2ID_PASSWORD, "bcrypt$" + BCRYPT_U_STAR_U,
                " " + BCRYPT_U_STAR_U, BCRYPT_U_STAR_U + "\n", BCRYPT_U_STAR_U.toUpperCase(),
                // bcrypt
                "$2a$", "$2a$05$", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.",
                "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
                "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWW",
                "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!",
                "$2a$5$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2a$-5$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2a$00$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2a$x5$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2a$05$CCCCCCCCCCCCCCCCCCCCC+E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                // Argon2
                "$argon2id$", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$",
                "$argon2id$v=19$m=256,t=2,p=1c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQnf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=18$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=019$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=abc,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=-256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=99999999999,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=0$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=4,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$t=2,m=256,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=1,data=c29tZQ$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ=$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=1$c29t$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR_uIPnA4rEsF5h7TKyQwu9U1bMCHGi-4",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4a",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4r",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$",
                "$argon2ds$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                // PBKDF2
                "$pbkdf2-sha256$", "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw",
                "$pbkdf2-sha256$i=abc$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                "$pbkdf2-sha256$i=0$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                "$pbkdf2-sha256$i=-1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                "$pbkdf2-sha256$i=99999999999$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                "$pbkdf2-sha256$i=1000,l=31$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                "$pbkdf2-sha256$i=1000$$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo.Qwv7UYtHHmeg9SK49fGkEamC2c",
                "$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c=",
                "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMdu",
                "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c$x",
                "$pbkdf2-sha1$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                // Django
                "pbkdf2_sha256$", "pbkdf2_sha256$1000$seasalt",
                "pbkdf2_sha256$$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=",
                "pbkdf2_sha256$1000$$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=",
                "pbkdf2_sha256$1e3$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=",
                "pbkdf2_sha256$0$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=",
                "pbkdf2_sha256$1000$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c",
                "pbkdf2_sha256$1000$sea$salt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c=",
                "pbkdf2_sha256$1000$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y-i7c=",
                "pbkdf2_sha256$1000$seasalt$YIWk");
    }

    @ParameterizedTest
    @MethodSource("malformedHashes")
    void neverMatchesAMalformedOrUnsupportedHash(String storedHash) {
        for (String password : List.of("password", "U*U", "", storedHash)) {
            assertFalse(quick.matches(password.toCharArray(), storedHash));
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    void neverMatchesAMissingHash(String storedHash) {
        assertFalse(verifier.matches("password".toCharArray(), storedHash));
        assertFalse(verifier.matches(new char[0], storedHash));
    }

    @Test
    void namesTheMissingPasswordArgument() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> verifier.matches(null, BCRYPT_U_STAR_U));
        assertEquals("password", e.getMessage());
    }

    @Test
    void dispatchesEachPrefixToItsFamily() {
        assertInstanceOf(BcryptHash.class, verifier.familyOf(BCRYPT_U_STAR_U).orElseThrow());
        assertInstanceOf(Argon2Hash.class, verifier.familyOf(ARGON2ID_PASSWORD).orElseThrow());
        assertInstanceOf(Pbkdf2Hash.class, verifier.familyOf(PBKDF2_PASSWORD).orElseThrow());
        assertInstanceOf(DjangoPbkdf2Hash.class, verifier.familyOf(DJANGO_PASSWORD).orElseThrow());
        assertTrue(verifier.familyOf("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW").isEmpty());
    }

    @Test
    void neverMatchesAPasswordWithALoneSurrogateEvenWhereTheJdkWouldReplaceIt() {
        assertTrue(verifier.matches("a?b".toCharArray(), PBKDF2_A_QUESTION_MARK_B));
        assertFalse(verifier.matches("a\uD800b".toCharArray(), PBKDF2_A_QUESTION_MARK_B));
    }

    @Test
    void hashesNewPasswordsAsBcrypt2bCost12ThatVerify() {
        String hash = verifier.hash("correct horse battery staple".toCharArray());

        assertTrue(hash.startsWith("$2b$12$"), hash);
        assertEquals(60, hash.length());
        assertTrue(verifier.matches("correct horse battery staple".toCharArray(), hash));
        assertFalse(verifier.matches("correct horse battery stapler".toCharArray(), hash));
    }

    @Test
    void typicalCheckFollowsTheChecksMadeLately() {
        PasswordVerifier cheap = new PasswordVerifier(4);
        Duration seeded = cheap.typicalCheck();
        assertTrue(seeded.compareTo(Duration.ZERO) > 0, "seeded with the time of making its own default hash: " + seeded);
        // Cost 10 is 64 times the work of cost 4: after 24 such checks the average holds 96% of their time.
        String dearer = new PasswordVerifier(10).hash("dearer".toCharArray());
        long started = System.nanoTime();
        for (int i = 0; i < 24; i++) {
            assertFalse(cheap.matches("wrong".toCharArray(), dearer));
        }
        Duration perCheck = Duration.ofNanos((System.nanoTime() - started) / 24);
        Duration followed = cheap.typicalCheck();
        assertTrue(followed.compareTo(perCheck.dividedBy(2)) > 0,
                "typical " + followed + " after checks of " + perCheck + " each (seeded " + seeded + ")");
        // The work an unknown user costs is a check too.
        for (int i = 0; i < 24; i++) {
            cheap.burnEquivalentWork("anything".toCharArray());
        }
        assertTrue(cheap.typicalCheck().compareTo(followed) < 0, "back down towards cost 4: " + cheap.typicalCheck());
    }

    @Test
    void cheapStoredHashesNeverTalkTheTypicalCheckBelowWhatAnUnknownUserCosts() {
        PasswordVerifier dear = new PasswordVerifier(10);
        for (int i = 0; i < 4; i++) {
            dear.burnEquivalentWork("anything".toCharArray());
        }
        Duration unknownUser = dear.typicalCheck();
        // Cost 4 is 1/64 of the work: 24 such checks alone would pull an average down to a few percent.
        String cheapHash = new PasswordVerifier(4).hash("cheap".toCharArray());
        for (int i = 0; i < 24; i++) {
            assertFalse(dear.matches("wrong".toCharArray(), cheapHash));
        }
        assertTrue(dear.typicalCheck().compareTo(unknownUser.dividedBy(2)) > 0,
                "typical " + dear.typicalCheck() + " against " + unknownUser + " for an unknown user");
    }

    @Test
    void hashesTheSamePasswordWithAFreshSaltEachTime() {
        assertNotEquals(verifier.hash("same".toCharArray()), verifier.hash("same".toCharArray()));
    }

    @Test
    void hashesAPasswordOfExactly72BytesAndRefusesOneByteMore() {
        char[] seventyTwo = "é".repeat(36).toCharArray(); // 2 bytes each in UTF-8
        assertTrue(verifier.matches(seventyTwo, verifier.hash(seventyTwo)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> verifier.hash(("é".repeat(36) + "x").toCharArray()));
        assertEquals("bcrypt reads only the first 72 bytes of a password; this one has 73 in UTF-8", e.getMessage());
    }

    @Test
    void refusesToHashALoneSurrogate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> verifier.hash("a\uDC00".toCharArray()));
        assertEquals("password is not valid UTF-16 (a lone surrogate)", e.getMessage());
    }

    @Test
    void burnsWorkAgainstAHashOfTheDefaultFamilyAndCost() {
        String dummy = verifier.dummyHash();
        String real = verifier.hash("x".toCharArray());

        assertEquals(verifier.familyOf(real).orElseThrow().getClass(), verifier.familyOf(dummy).orElseThrow().getClass());
        assertEquals(real.substring(0, 7), dummy.substring(0, 7));
        assertEquals(real.length(), dummy.length());
        // A well-formed hash: the burn runs the whole bcrypt, it does not stop at a parse error.
        assertEquals(Verdict.Kind.MISMATCH,
                new BcryptHash().verify("x".toCharArray(), new byte[] {'x'}, dummy).kind());
        verifier.burnEquivalentWork("x".toCharArray());
        assertTrue(logged.list.isEmpty(), "a burn logs nothing: " + logged.list);
    }

    @Test
    void warnsOnceAboutAHashOverItsBoundAndNeverLogsTheHash() {
        PasswordVerifier fresh = new PasswordVerifier(4);
        String costly = "$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        String costlier = "$2b$20$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

        assertFalse(fresh.matches("U*U".toCharArray(), costly));
        assertFalse(fresh.matches("U*U".toCharArray(), costlier));

        List<ILoggingEvent> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).collect(Collectors.toList());
        assertEquals(1, warnings.size(), logged.list.toString());
        assertEquals("a stored password hash never matches: bcrypt OVER_BOUND (cost 31 is over the bound of 14); "
                + "that user cannot log in until the hash is replaced (further ones at DEBUG)", warnings.get(0).getFormattedMessage());
        for (ILoggingEvent event : logged.list) {
            assertFalse(event.getFormattedMessage().contains("E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"), event.getFormattedMessage());
            assertFalse(event.getFormattedMessage().contains("CCCCCCCCCCCCCCCCCCCCC"), event.getFormattedMessage());
        }
    }

    @Test
    void neverLogsAMalformedHashOrThePassword() {
        PasswordVerifier fresh = new PasswordVerifier(4);
        malformedHashes().forEach(h -> fresh.matches("hunter2-secret".toCharArray(), h));

        assertFalse(logged.list.isEmpty());
        for (ILoggingEvent event : logged.list) {
            String message = event.getFormattedMessage();
            assertFalse(message.contains("hunter2-secret"), message);
            assertFalse(message.contains("c29tZXNhbHQ"), message);
            assertFalse(message.contains("YIWkt6M1"), message);
            assertFalse(message.contains("JeuGrMdu"), message);
            assertFalse(message.contains("E5YPO9km"), message);
        }
    }
}
