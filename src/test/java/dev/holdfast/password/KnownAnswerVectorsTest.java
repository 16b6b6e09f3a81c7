package dev.holdfast.password;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Stored hashes written by other implementations, one row each: the password must match and a near miss
 * must not. Where each vector comes from:
 * <ul>
 * <li>bcrypt {@code $2a$}: the test vectors of Openwall's crypt_blowfish and of jBCrypt (which took them
 *     from OpenBSD), re-checked here with pyca/bcrypt 3.2.2; the {@code $2b$}/{@code $2y$} ones and the
 *     UTF-8 one were made with pyca/bcrypt ({@code bcrypt.hashpw}).</li>
 * <li>Argon2: the PHC string vectors of the reference implementation's {@code src/test.c}
 *     (phc-winner-argon2); the {@code $argon2d$}, {@code v=16}, UTF-8 and 16-byte-tag ones from the reference
 *     implementation's CLI (Debian package {@code argon2}, e.g. {@code printf %s password | argon2 somesalt -d -t 2 -m 8 -p 1 -e}).</li>
 * <li>PBKDF2 PHC strings and Django hashes: computed with Python's {@code hashlib.pbkdf2_hmac} and
 *     {@code base64}, e.g. {@code "pbkdf2_sha256$%d$%s$%s" % (it, salt, b64encode(pbkdf2_hmac("sha256", pw, salt, it)))};
 *     the Django ones also pass passlib's {@code django_pbkdf2_sha256.verify}.</li>
 * <li>passlib {@code $pbkdf2-sha256$N$...}: written by passlib 1.7.4 ({@code pbkdf2_sha256.using(rounds=..., salt=...).hash}),
 *     and the example from passlib's documentation.</li>
 * </ul>
 */
class KnownAnswerVectorsTest {

    private static PasswordVerifier verifier;

    @BeforeAll
    static void buildVerifier() {
        verifier = new PasswordVerifier();
    }

    @AfterAll
    static void dropVerifier() {
        verifier = null;
    }

    static Stream<Arguments> vectors() {
        return Stream.of(
                // bcrypt, crypt_blowfish / jBCrypt / OpenBSD
                arguments("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
                arguments("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"),
                arguments("U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"),
                arguments("abcdefghijklmnopqrstuvwxyz", "$2a$10$fVH8e28OQRj9tqiDXs1e1uxpsjN0c7II7YPKXua2NAKYvM6iQk7dq"),
                arguments("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO"),
                // only the first 72 bytes count
                arguments("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored",
                        "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"),
                // bcrypt, pyca/bcrypt
                arguments("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
                arguments("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
                arguments("pässwörd €", "$2b$05$/OK.fbVrR/bpIqNJ5ianF.b9PkerSnYGdcmk30715YF6Hcl3joOYi"),
                arguments("pässwörd €", "$2y$04$abcdefghijklmnopqrstuuKnHl.x1yQ06jW2xtQY6ynPSc7M2jr9G"),
                // $2a$ with non-ASCII UTF-8: pyca/bcrypt (OpenBSD); crypt_blowfish agrees as UTF-8 has no 0xFF byte
                arguments("pässwörd €", "$2a$04$abcdefghijklmnopqrstuuKnHl.x1yQ06jW2xtQY6ynPSc7M2jr9G"),
                arguments("日本語のパスワード", "$2a$05$/OK.fbVrR/bpIqNJ5ianF.17jGFqeJJvn2RPV2MO3Hd9lOzoooyIu"),
                // Argon2, reference src/test.c
                arguments("password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
                arguments("password", "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc"),
                arguments("password", "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8"),
                arguments("password", "$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E"),
                arguments("password", "$argon2i$m=256,t=2,p=1$c29tZXNhbHQ$/U3YPXYsSb3q9XxHvc0MLxur+GP960kN9j7emXX8zwY"),
                // Argon2, reference CLI
                arguments("password", "$argon2i$v=16$m=256,t=2,p=1$c29tZXNhbHQ$/U3YPXYsSb3q9XxHvc0MLxur+GP960kN9j7emXX8zwY"),
                arguments("password", "$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$JcTui6RIBUtJ78gE5Hi52CO+H5vS6Z9R1uxAB6OhUB8"),
                arguments("pässwörd €", "$argon2id$v=19$m=256,t=2,p=1$c2FsdHNhbHRzYWx0$s8VdAaDr2cNloswWbh0tMfUHF1Yq3KLZvf2dLot/i8Q"),
                arguments("password", "$argon2id$v=19$m=1024,t=1,p=2$c29tZXNhbHRzb21lc2FsdA$7zDMi63+nLqMVUmRdUDKQg"),
                // PBKDF2 PHC strings, hashlib
                arguments("password", "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c"),
                arguments("password", "$pbkdf2-sha256$i=1000,l=32$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c"),
                arguments("password", "$pbkdf2-sha512$i=1000$AAECAwQFBgcICQoLDA0ODw$x05AgND7tB/uWGjA/2D9dayuJjghWYfl/1T46uIRM5ta0a9uOHvBLdOnC7blqQEIFBxfCONToumEQ5pDM8Qtbg"),
                arguments("pässwörd €", "$pbkdf2-sha256$i=2000$+//+AHNhbHRzYWx0$CpDdYvMZ75m3qSDyDmEc9aSUOa3WLGn/3+U6YCaH5Dc"),
                // PBKDF2, passlib
                arguments("password", "$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo.Qwv7UYtHHmeg9SK49fGkEamC2c"),
                arguments("password", "$pbkdf2-sha512$1000$AAECAwQFBgcICQoLDA0ODw$x05AgND7tB/uWGjA/2D9dayuJjghWYfl/1T46uIRM5ta0a9uOHvBLdOnC7blqQEIFBxfCONToumEQ5pDM8Qtbg"),
                arguments("pässwörd €", "$pbkdf2-sha256$2000$.//.AHNhbHRzYWx0$CpDdYvMZ75m3qSDyDmEc9aSUOa3WLGn/3.U6YCaH5Dc"),
                arguments("password", "$pbkdf2-sha256$6400$0ZrzXitFSGltTQnBWOsdAw$Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M"),
                // Django, hashlib
                arguments("password", "pbkdf2_sha256$1000$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c="),
                arguments("pässwörd €", "pbkdf2_sha256$2000$QmVUpGSTbmS5E0jYy4LnvM$ewjMkLycMLhklaX61JwcCJ3tqx/KAik3WM+srdc/LeE="));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void matchesTheHashAnotherImplementationWrote(String password, String storedHash) {
        assertTrue(verifier.matches(password.toCharArray(), storedHash));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void refusesTheSamePasswordWithItsFirstCharacterChanged(String password, String storedHash) {
        String nearMiss = (char) (password.charAt(0) ^ 1) + password.substring(1);
        assertFalse(verifier.matches(nearMiss.toCharArray(), storedHash));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void refusesTheRightPasswordWithOneMoreCharacter(String password, String storedHash) {
        // Past bcrypt's 72 bytes an extra character is ignored by design; that row is covered by the 72-byte vector.
        if (storedHash.startsWith("$2") && password.length() >= 72) {
            return;
        }
        assertFalse(verifier.matches((password + "!").toCharArray(), storedHash));
    }
}
