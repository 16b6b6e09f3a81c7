package dev.holdfast.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.apache.catalina.realm.MessageDigestCredentialHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LDAP's {@code {SHA}}/{@code {SSHA}} family and Tomcat's {@code salt$iterations$hash}: read only when
 * {@code password.legacyFormats} is on, each against hashes made by another implementation (Tomcat's own
 * {@code MessageDigestCredentialHandler}, the JDK's digests), and always below the policy.
 */
class LegacyFormatsTest {
    /** SHA-1 of "password", as RFC 2307 and every LDAP server write it. */
    private static final String SHA_PASSWORD = "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";

    private final PasswordVerifier off = new PasswordVerifier(HashPolicy.DEFAULT.withBcryptCost(4));
    private final PasswordVerifier on = new PasswordVerifier(HashPolicy.DEFAULT.withBcryptCost(4).withLegacyFormats(true));

    private static String ldap(String scheme, String algorithm, String password, byte[] salt) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        digest.update(password.getBytes(StandardCharsets.UTF_8));
        digest.update(salt);
        byte[] hash = digest.digest();
        byte[] stored = new byte[hash.length + salt.length];
        System.arraycopy(hash, 0, stored, 0, hash.length);
        System.arraycopy(salt, 0, stored, hash.length, salt.length);
        return scheme + Base64.getEncoder().encodeToString(stored);
    }

    private static String tomcat(String algorithm, int saltLength, int iterations, String password) {
        MessageDigestCredentialHandler handler = new MessageDigestCredentialHandler();
        try {
            handler.setAlgorithm(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        handler.setSaltLength(saltLength);
        handler.setIterations(iterations);
        String stored = handler.mutate(password);
        assertTrue(handler.matches(password, stored), "Tomcat reads its own hash");
        return stored;
    }

    @Test
    void legacyFormatsNeverMatchWhileOff() throws Exception {
        for (String stored : List.of(SHA_PASSWORD, ldap("{SSHA}", "SHA-1", "password", new byte[] {1, 2, 3, 4}),
                tomcat("SHA-256", 16, 1000, "password"))) {
            assertFalse(off.matches("password".toCharArray(), stored), stored);
            assertFalse(off.needsRehash(stored), stored);
        }
    }

    @Test
    void readsLdapShaWhenOn() {
        assertTrue(on.matches("password".toCharArray(), SHA_PASSWORD));
        assertTrue(on.matches("password".toCharArray(), "{sha}W6ph5Mm5Pz8GgiULbPgzG37mj9g="), "scheme names are case-insensitive");
        assertFalse(on.matches("Password".toCharArray(), SHA_PASSWORD));
        assertTrue(on.needsRehash(SHA_PASSWORD));
        assertEquals("ldap-digest", on.familyName(SHA_PASSWORD).orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({"{SSHA},SHA-1,4", "{SSHA},SHA-1,8", "{SSHA256},SHA-256,8", "{SSHA512},SHA-512,16", "{SHA256},SHA-256,0",
        "{SHA512},SHA-512,0"})
    void readsLdapSaltedAndSha2Schemes(String scheme, String algorithm, int saltLength) throws Exception {
        byte[] salt = new byte[saltLength];
        new java.security.SecureRandom().nextBytes(salt);
        String stored = ldap(scheme, algorithm, "pässwörd €", salt);
        assertTrue(on.matches("pässwörd €".toCharArray(), stored), stored);
        assertFalse(on.matches("passwörd €".toCharArray(), stored), stored);
        assertTrue(on.needsRehash(stored));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9gAAAA=",
        "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g", "{SHA}not base64!", "{SHA}", "{SSHA512}AAAA", "{SMD5}AAAAAAAAAAAAAAAAAAAAAAAAAAA="})
    void malformedLdapHashesNeverMatch(String stored) {
        assertFalse(on.matches("password".toCharArray(), stored), stored);
    }

    @ParameterizedTest
    @CsvSource({"MD5,16,1", "SHA-1,8,1", "SHA-256,32,1000", "SHA-384,16,3", "SHA-512,32,10", "SHA-256,0,2"})
    void readsTomcatMessageDigestCredentialHandlerHashes(String algorithm, int saltLength, int iterations) {
        String stored = tomcat(algorithm, saltLength, iterations, "pässwörd €");
        assertTrue(on.matches("pässwörd €".toCharArray(), stored), stored);
        assertFalse(on.matches("pässwörd".toCharArray(), stored), stored);
        assertTrue(on.needsRehash(stored));
        assertEquals("tomcat-digest", on.familyName(stored).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc$1$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "ab$0$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
        "ab$1000001$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "ab$1$5baa61e4c9b93f3f0682250b6cf8331b7ee68f",
        "ab$1$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8a", "ab$1$$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"})
    void malformedOrUnboundedTomcatHashesNeverMatch(String stored) {
        assertFalse(on.matches("password".toCharArray(), stored), stored);
    }

    @Test
    void onlyTheLegacyDigestsAreFollowedByTheDefaultFormatWork() {
        // PasswordVerifier.matches burns one default-format verify after a fast family, so that a legacy user
        // answers no sooner than an unknown one (LoginTimingIT measures the burn over HTTP).
        assertTrue(new LdapDigestHash().fast());
        assertTrue(new TomcatDigestHash().fast());
        assertFalse(new BcryptHash().fast());
        assertFalse(new Argon2Hash().fast());
        assertFalse(new Pbkdf2Hash().fast());
        assertFalse(new DjangoPbkdf2Hash().fast());
    }
}
