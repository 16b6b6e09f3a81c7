package dev.holdfast.token;

import static dev.holdfast.token.Forge.SECRET;
import static dev.holdfast.token.Forge.T;
import static dev.holdfast.token.Forge.b64;
import static dev.holdfast.token.Forge.claims;
import static dev.holdfast.token.Forge.fixed;
import static dev.holdfast.token.Forge.header;
import static dev.holdfast.token.Forge.hmac;
import static dev.holdfast.token.Forge.hs;
import static dev.holdfast.token.Forge.hsHeader;
import static dev.holdfast.token.Forge.jca;
import static dev.holdfast.token.Forge.jws;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwe.KeyManagementAlgorithmIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The attack catalogue of issue 2, each refused with the exact reason, by the verifier alone. */
class TokenVerifierAttackTest {

    static final Clock CLOCK = Clock.fixed(Forge.NOW, ZoneOffset.UTC);
    static final Duration TTL = Duration.ofHours(1);
    static final Duration SKEW = Duration.ofSeconds(30);

    static TokenVerifier hmacVerifier(Optional<String> audience, RevocationList revocations) {
        return new TokenVerifier(Keys.hmac(SECRET), "holdfast", audience, TTL, SKEW, revocations, CLOCK);
    }

    static TokenVerifier hmacVerifier() {
        return hmacVerifier(Optional.empty(), new RevocationList(CLOCK));
    }

    static TokenVerifier rsaVerifier() {
        return new TokenVerifier(Keys.fromJwkSet(Forge.privateSet(Forge.rsa())), "holdfast", Optional.empty(), TTL, SKEW,
                new RevocationList(CLOCK), CLOCK);
    }

    static TokenVerifier ecVerifier() {
        return new TokenVerifier(Keys.fromJwkSet(Forge.privateSet(Forge.ec())), "holdfast", Optional.empty(), TTL, SKEW,
                new RevocationList(CLOCK), CLOCK);
    }

    static String rsaKid() {
        return Keys.fromJwkSet(Forge.privateSet(Forge.rsa())).signing().kid;
    }

    static String ecKid() {
        return Keys.fromJwkSet(Forge.privateSet(Forge.ec())).signing().kid;
    }

    static void assertRejected(Rejection expected, Verification verification) {
        assertEquals(Optional.of(expected), verification.rejection(), verification.toString());
    }

    @Test
    void acceptsAWellFormedTokenMacdWithOurSecret() {
        Verification v = hmacVerifier().verify(hs(claims()));
        assertTrue(v.isValid(), v.toString());
        assertEquals("alice", v.token().orElseThrow().subject());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void rejectsAlgNoneInAnySpelling(String alg) {
        String token = b64(header(alg, Forge.hmacKid())) + "." + b64(claims()) + ".";
        assertRejected(Rejection.ALGORITHM_NOT_ALLOWED, hmacVerifier().verify(token));
        String withJunkSignature = b64(header(alg, Forge.hmacKid())) + "." + b64(claims()) + "." + b64("x");
        assertRejected(Rejection.ALGORITHM_NOT_ALLOWED, hmacVerifier().verify(withJunkSignature));
    }

    @Test
    void rejectsEmptySignature() {
        String good = hs(claims());
        assertRejected(Rejection.BAD_SIGNATURE, hmacVerifier().verify(good.substring(0, good.lastIndexOf('.') + 1)));
    }

    @Test
    void rejectsTruncatedSignature() {
        String good = hs(claims());
        assertRejected(Rejection.BAD_SIGNATURE, hmacVerifier().verify(good.substring(0, good.length() - 4)));
    }

    @Test
    void rejectsTamperedClaims() {
        String good = hs(claims());
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + b64(claims().replace("alice", "admin")) + "." + parts[2];
        assertRejected(Rejection.BAD_SIGNATURE, hmacVerifier().verify(forged));
    }

    @Test
    void rejectsTokenMacdWithRsaPublicKeyDerAsHmacSecret() {
        byte[] der = Forge.rsa().getPublicKey().getEncoded();
        String token = jws(header("HS256", rsaKid()), claims(), hmac(der));
        assertRejected(Rejection.ALGORITHM_NOT_ALLOWED, rsaVerifier().verify(token));
    }

    @Test
    void rejectsTokenMacdWithRsaPublicKeyPemAsHmacSecret() {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(Forge.rsa().getPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        String token = jws(header("HS256", rsaKid()), claims(), hmac(pem.getBytes(StandardCharsets.US_ASCII)));
        assertRejected(Rejection.ALGORITHM_NOT_ALLOWED, rsaVerifier().verify(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../../../dev/null", "' OR '1'='1", "", "unknown-kid"})
    void rejectsKidThatNamesNoKeyOfOurs(String kid) {
        // even MAC'd with the real secret: the kid must name our key
        String token = jws(header("HS256", kid), claims(), hmac(SECRET));
        assertRejected(Rejection.UNKNOWN_KEY, hmacVerifier().verify(token));
        String zeroKey = jws(header("HS256", kid), claims(), hmac(new byte[32]));
        assertRejected(Rejection.UNKNOWN_KEY, hmacVerifier().verify(zeroKey));
    }

    @Test
    void acceptsMissingKidWhenTheOnlyKeyFitsAndRefusesItWhenKidIsRequired() {
        String token = jws("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", claims(), hmac(SECRET));
        assertTrue(hmacVerifier().verify(token).isValid());
        TokenVerifier strict = new TokenVerifier(Keys.hmac(SECRET), "holdfast", Optional.empty(), TTL, SKEW,
                new RevocationList(CLOCK), CLOCK, true, 0);
        assertRejected(Rejection.UNKNOWN_KEY, strict.verify(token));
    }

    @Test
    void rejectsMissingKidMacdWithAnotherSecret() {
        String token = jws("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", claims(), hmac(new byte[32]));
        assertRejected(Rejection.BAD_SIGNATURE, hmacVerifier().verify(token));
    }

    @Test
    void rejectsKidThatIsNotAString() {
        String token = jws("{\"alg\":\"HS256\",\"kid\":null,\"typ\":\"at+jwt\"}", claims(), hmac(SECRET));
        assertRejected(Rejection.UNKNOWN_KEY, hmacVerifier().verify(token));
    }

    @Test
    void rejectsEmbeddedJwkSignedWithTheAttackersKey() {
        String jwk = Forge.attackerRsa().toJson(org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        String headerJson = "{\"alg\":\"RS256\",\"kid\":\"" + rsaKid() + "\",\"typ\":\"at+jwt\",\"jwk\":" + jwk + "}";
        String token = jws(headerJson, claims(), jca("SHA256withRSA", Forge.attackerRsa().getPrivateKey()));
        assertRejected(Rejection.UNTRUSTED_KEY_HEADER, rsaVerifier().verify(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jku", "x5u"})
    void rejectsKeyUrlHeaderPointingElsewhere(String name) {
        String headerJson = "{\"alg\":\"RS256\",\"kid\":\"" + rsaKid() + "\",\"typ\":\"at+jwt\",\"" + name
                + "\":\"https://attacker.example/keys\"}";
        String token = jws(headerJson, claims(), jca("SHA256withRSA", Forge.attackerRsa().getPrivateKey()));
        assertRejected(Rejection.UNTRUSTED_KEY_HEADER, rsaVerifier().verify(token));
    }

    @Test
    void rejectsX5cHeader() {
        String headerJson = "{\"alg\":\"RS256\",\"kid\":\"" + rsaKid() + "\",\"typ\":\"at+jwt\",\"x5c\":[\"MIIB\"]}";
        String token = jws(headerJson, claims(), jca("SHA256withRSA", Forge.attackerRsa().getPrivateKey()));
        assertRejected(Rejection.UNTRUSTED_KEY_HEADER, rsaVerifier().verify(token));
    }

    @Test
    void rejectsEcdsaSignatureOfZeros() {
        String token = jws(header("ES256", ecKid()), claims(), fixed(new byte[64]));
        assertRejected(Rejection.BAD_SIGNATURE, ecVerifier().verify(token));
    }

    @Test
    void rejectsEcdsaSignatureWithRAndSEqualToTheCurveOrder() {
        BigInteger n = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
        byte[] half = n.toByteArray();
        byte[] n32 = new byte[32];
        System.arraycopy(half, half.length - 32, n32, 0, 32);
        byte[] sig = new byte[64];
        System.arraycopy(n32, 0, sig, 0, 32);
        System.arraycopy(n32, 0, sig, 32, 32);
        String token = jws(header("ES256", ecKid()), claims(), fixed(sig));
        assertRejected(Rejection.BAD_SIGNATURE, ecVerifier().verify(token));
    }

    @Test
    void acceptsARealEs256Signature() {
        // the zero and r=s=n tests mean something only if a real ES256 signature passes (JOSE form, not DER)
        org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
        jws.setPayload(claims());
        jws.setAlgorithmHeaderValue("ES256");
        jws.setKeyIdHeaderValue(ecKid());
        jws.setHeader("typ", "at+jwt");
        jws.setKey(Forge.ec().getPrivateKey());
        Verification v = ecVerifier().verify(assertDoesNotThrowCompact(jws));
        assertTrue(v.isValid(), v.toString());
    }

    private static String assertDoesNotThrowCompact(org.jose4j.jws.JsonWebSignature jws) {
        try {
            return jws.getCompactSerialization();
        } catch (org.jose4j.lang.JoseException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rejectsExpiredToken() {
        assertRejected(Rejection.EXPIRED, hmacVerifier().verify(hs(claims("\"exp\":" + (T - 31)))));
    }

    @Test
    void acceptsTokenExpiredWithinTheClockSkew() {
        assertTrue(hmacVerifier().verify(hs(claims("\"exp\":" + (T - 29)))).isValid());
    }

    @Test
    void rejectsNotBeforeInTheFuture() {
        String payload = claims().replace("\"jti\"", "\"nbf\":" + (T + 120) + ",\"jti\"");
        assertRejected(Rejection.NOT_YET_VALID, hmacVerifier().verify(hs(payload)));
    }

    @Test
    void rejectsIssuedAtInTheFutureBeyondSkew() {
        String payload = claims().replace("\"iat\":" + T, "\"iat\":" + (T + 31));
        assertRejected(Rejection.ISSUED_IN_FUTURE, hmacVerifier().verify(hs(payload)));
    }

    @Test
    void rejectsMissingExp() {
        assertRejected(Rejection.MISSING_CLAIM, hmacVerifier().verify(hs(claims(""))));
    }

    @Test
    void rejectsNullExp() {
        assertRejected(Rejection.MISSING_CLAIM, hmacVerifier().verify(hs(claims("\"exp\":null"))));
    }

    @Test
    void rejectsExpOf1e300() {
        assertRejected(Rejection.LIFETIME_TOO_LONG, hmacVerifier().verify(hs(claims("\"exp\":1e300"))));
    }

    @Test
    void rejectsExpAsString() {
        assertRejected(Rejection.MALFORMED_CLAIM, hmacVerifier().verify(hs(claims("\"exp\":\"" + (T + 60) + "\""))));
    }

    @Test
    void rejectsExpFurtherAheadThanTheTtl() {
        assertRejected(Rejection.LIFETIME_TOO_LONG, hmacVerifier().verify(hs(claims("\"exp\":" + (T + 3600 + 31)))));
    }

    @Test
    void rejectsLifetimeFromIatLongerThanTheTtl() {
        String payload = claims().replace("\"iat\":" + T, "\"iat\":" + (T - 3600));
        assertRejected(Rejection.LIFETIME_TOO_LONG, hmacVerifier().verify(hs(payload)));
    }

    @Test
    void rejectsMissingIat() {
        assertRejected(Rejection.MISSING_CLAIM, hmacVerifier().verify(hs(claims().replace("\"iat\":" + T + ",", ""))));
    }

    @Test
    void rejectsMissingSub() {
        assertRejected(Rejection.MISSING_CLAIM, hmacVerifier().verify(hs(claims().replace("\"sub\":\"alice\",", ""))));
    }

    @Test
    void rejectsMissingJti() {
        assertRejected(Rejection.MISSING_CLAIM, hmacVerifier().verify(hs(claims().replace(",\"jti\":\"jti-1\"", ""))));
    }

    @Test
    void rejectsWrongIssuer() {
        assertRejected(Rejection.WRONG_ISSUER, hmacVerifier().verify(hs(claims().replace("\"iss\":\"holdfast\"", "\"iss\":\"evil\""))));
    }

    @Test
    void rejectsMissingIssuer() {
        assertRejected(Rejection.WRONG_ISSUER, hmacVerifier().verify(hs(claims().replace("\"iss\":\"holdfast\",", ""))));
    }

    @Test
    void rejectsWrongAudience() {
        TokenVerifier v = hmacVerifier(Optional.of("orders"), new RevocationList(CLOCK));
        assertRejected(Rejection.WRONG_AUDIENCE, v.verify(hs(claims().replace("\"jti\"", "\"aud\":\"billing\",\"jti\""))));
    }

    @Test
    void rejectsMissingAudienceWhenOneIsExpected() {
        TokenVerifier v = hmacVerifier(Optional.of("orders"), new RevocationList(CLOCK));
        assertRejected(Rejection.WRONG_AUDIENCE, v.verify(hs(claims())));
    }

    @Test
    void rejectsAudienceArrayWithoutOurs() {
        TokenVerifier v = hmacVerifier(Optional.of("orders"), new RevocationList(CLOCK));
        assertRejected(Rejection.WRONG_AUDIENCE, v.verify(hs(claims().replace("\"jti\"", "\"aud\":[\"billing\",\"hr\"],\"jti\""))));
    }

    @Test
    void acceptsAudienceArrayWithOurs() {
        TokenVerifier v = hmacVerifier(Optional.of("orders"), new RevocationList(CLOCK));
        assertTrue(v.verify(hs(claims().replace("\"jti\"", "\"aud\":[\"billing\",\"orders\"],\"jti\""))).isValid());
    }

    @Test
    void rejectsAudienceWhenNoneIsExpected() {
        assertRejected(Rejection.WRONG_AUDIENCE, hmacVerifier().verify(hs(claims().replace("\"jti\"", "\"aud\":\"orders\",\"jti\""))));
    }

    @Test
    void rejectsCritWithAnUnknownName() {
        String headerJson = "{\"alg\":\"HS256\",\"kid\":\"" + Forge.hmacKid() + "\",\"typ\":\"at+jwt\",\"crit\":[\"exp\"],\"exp\":1}";
        assertRejected(Rejection.UNSUPPORTED, hmacVerifier().verify(jws(headerJson, claims(), hmac(SECRET))));
    }

    @Test
    void rejectsDuplicateClaimNames() {
        String payload = claims().replace("\"sub\":\"alice\"", "\"sub\":\"alice\",\"sub\":\"admin\"");
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(hs(payload)));
    }

    @Test
    void rejectsDuplicateClaimNamesHiddenByAnEscape() {
        String payload = claims().replace("\"sub\":\"alice\"", "\"sub\":\"alice\",\"s\\u0075b\":\"admin\"");
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(hs(payload)));
    }

    @Test
    void rejectsDuplicateHeaderNames() {
        String headerJson = "{\"alg\":\"HS256\",\"alg\":\"none\",\"kid\":\"" + Forge.hmacKid() + "\",\"typ\":\"at+jwt\"}";
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(jws(headerJson, claims(), hmac(SECRET))));
    }

    @Test
    void rejects9KiBToken() {
        String payload = claims().replace("\"tier\"", "\"pad\":\"" + "a".repeat(7000) + "\",\"tier\"");
        String token = hs(payload);
        assertTrue(token.length() > 9 * 1024, "token is " + token.length());
        assertRejected(Rejection.TOO_LARGE, hmacVerifier().verify(token));
    }

    @Test
    void rejects1MiBTokenWithinMilliseconds() {
        String token = hsHeaderPart() + "." + "A".repeat(1024 * 1024) + ".AAAA";
        TokenVerifier verifier = hmacVerifier();
        long started = System.nanoTime();
        Verification v = verifier.verify(token);
        long micros = (System.nanoTime() - started) / 1000;
        System.out.println("1 MiB token rejected in " + micros + " µs");
        assertRejected(Rejection.TOO_LARGE, v);
        assertTrue(micros < 1_000_000, "took " + micros + " µs");
    }

    @Test
    void rejects100kDeepNestedJsonWithinMilliseconds() {
        String nested = "{\"sub\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        String token = jws(hsHeader(), nested, hmac(SECRET));
        TokenVerifier verifier = hmacVerifier();
        long started = System.nanoTime();
        Verification v = verifier.verify(token);
        long micros = (System.nanoTime() - started) / 1000;
        System.out.println("100k-deep nested JSON (" + token.length() + " chars) rejected in " + micros + " µs");
        assertRejected(Rejection.TOO_LARGE, v);
        assertTrue(micros < 1_000_000, "took " + micros + " µs");
    }

    @Test
    void rejectsDeepNestingThatFitsIn8KiBWithoutParsingIt() {
        String nested = "{\"sub\":" + "[".repeat(2500) + "]".repeat(2500) + "}";
        for (String token : List.of(jws(hsHeader(), nested, hmac(new byte[32])), jws(hsHeader(), nested, hmac(SECRET)))) {
            TokenVerifier verifier = hmacVerifier();
            long started = System.nanoTime();
            Verification v = verifier.verify(token);
            long micros = (System.nanoTime() - started) / 1000;
            System.out.println("2500-deep nested JSON rejected in " + micros + " µs");
            assertRejected(Rejection.MALFORMED, v);
            assertTrue(micros < 1_000_000, "took " + micros + " µs");
        }
    }

    @Test
    void rejectsDeepNestingUnderAnAsymmetricAlgorithmBeforeJose4jParsesIt() {
        // jose4j parses claims before it checks an RS256 signature: 2500-deep arrays cost it about 10 ms each
        String nested = "{\"sub\":" + "[".repeat(2500) + "]".repeat(2500) + "}";
        String token = jws(header("RS256", rsaKid()), nested, fixed(new byte[256]));
        TokenVerifier verifier = rsaVerifier();
        long started = System.nanoTime();
        Verification v = verifier.verify(token);
        long micros = (System.nanoTime() - started) / 1000;
        System.out.println("2500-deep nested JSON under RS256 rejected in " + micros + " µs");
        assertRejected(Rejection.MALFORMED, v);
        assertTrue(micros < 1_000_000, "took " + micros + " µs");
    }

    @Test
    void nestingDepthIgnoresBracketsInsideStrings() {
        assertEquals(2, TokenVerifier.nestingDepth(claims().getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, TokenVerifier.nestingDepth("{\"a\":\"[[[[\\\"[[[\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(9, TokenVerifier.nestingDepth(("{\"a\":" + "[".repeat(8) + "]".repeat(8) + "}").getBytes(StandardCharsets.UTF_8)));
    }

    private static String hsHeaderPart() {
        return b64(hsHeader());
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!", " ", "+", "/", "=", "%", "\n"})
    void rejectsNonBase64urlCharacters(String inserted) {
        String good = hs(claims());
        String bad = good.substring(0, good.length() - 2) + inserted + good.substring(good.length() - 2);
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(bad));
    }

    @Test
    void rejectsPaddedSignature() {
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(hs(claims()) + "="));
    }

    @Test
    void rejectsSignatureWithNonCanonicalTrailingBits() {
        String good = hs(claims());
        char last = good.charAt(good.length() - 1);
        // a 32-byte MAC is 43 characters: the last carries 4 unused bits; flipping one keeps the bytes the same
        char sibling = Base64Alphabet.flipLowBit(last);
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(good.substring(0, good.length() - 1) + sibling));
    }

    @Test
    void rejectsFivePartJweEncryptedToOurOwnPublicKey() throws Exception {
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setPayload(claims());
        jwe.setAlgorithmHeaderValue(KeyManagementAlgorithmIdentifiers.RSA_OAEP_256);
        jwe.setEncryptionMethodHeaderParameter(ContentEncryptionAlgorithmIdentifiers.AES_128_CBC_HMAC_SHA_256);
        jwe.setKey(Forge.rsa().getPublicKey());
        jwe.setKeyIdHeaderValue(rsaKid());
        String token = jwe.getCompactSerialization();
        assertEquals(5, token.split("\\.", -1).length);
        assertRejected(Rejection.UNSUPPORTED, rsaVerifier().verify(token));
    }

    @Test
    void rejectsNestedTokenMarkedWithCty() {
        String inner = hs(claims());
        String headerJson = "{\"alg\":\"HS256\",\"kid\":\"" + Forge.hmacKid() + "\",\"typ\":\"at+jwt\",\"cty\":\"JWT\"}";
        assertRejected(Rejection.UNSUPPORTED, hmacVerifier().verify(jws(headerJson, inner, hmac(SECRET))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "jwt", "application/jwt", "at+jwt+x", ""})
    void rejectsWrongTyp(String typ) {
        String headerJson = "{\"alg\":\"HS256\",\"kid\":\"" + Forge.hmacKid() + "\",\"typ\":\"" + typ + "\"}";
        assertRejected(Rejection.WRONG_TYPE, hmacVerifier().verify(jws(headerJson, claims(), hmac(SECRET))));
    }

    @Test
    void rejectsMissingTyp() {
        String headerJson = "{\"alg\":\"HS256\",\"kid\":\"" + Forge.hmacKid() + "\"}";
        assertRejected(Rejection.WRONG_TYPE, hmacVerifier().verify(jws(headerJson, claims(), hmac(SECRET))));
    }

    @Test
    void acceptsApplicationAtJwtTyp() {
        String headerJson = "{\"alg\":\"HS256\",\"kid\":\"" + Forge.hmacKid() + "\",\"typ\":\"application/AT+JWT\"}";
        assertTrue(hmacVerifier().verify(jws(headerJson, claims(), hmac(SECRET))).isValid());
    }

    @Test
    void refusesHmacSecretShorterThan32Bytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.hmac(new byte[31]));
        assertEquals("secret is 31 bytes; HS256 needs at least 32 bytes", e.getMessage());
    }

    @Test
    void rejectsRevokedJti() {
        RevocationList revocations = new RevocationList(CLOCK);
        TokenVerifier verifier = hmacVerifier(Optional.empty(), revocations);
        String token = hs(claims());
        assertTrue(verifier.verify(token).isValid());
        revocations.revoke("jti-1", Forge.NOW.plusSeconds(600));
        assertRejected(Rejection.REVOKED, verifier.verify(token));
    }

    @Test
    void rejectsHeaderThatIsNotJson() {
        String token = b64("not json") + "." + b64(claims()) + "." + b64(new byte[32]);
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(token));
    }

    @Test
    void rejectsTooManyOrTooFewParts() {
        String good = hs(claims());
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(good + ".AAAA"));
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(good.substring(0, good.lastIndexOf('.'))));
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(""));
        assertRejected(Rejection.MALFORMED, hmacVerifier().verify(null));
    }

    @Test
    void rejectsRolesThatAreNotAnArrayOfStrings() {
        assertRejected(Rejection.MALFORMED_CLAIM, hmacVerifier().verify(hs(claims().replace("[\"user\"]", "\"admin\""))));
        assertRejected(Rejection.MALFORMED_CLAIM, hmacVerifier().verify(hs(claims().replace("[\"user\"]", "[1]"))));
    }

    @Test
    void rejectsAlgorithmTheKeyDoesNotUse() {
        String token = jws(header("HS512", Forge.hmacKid()), claims(), hmac(SECRET));
        assertRejected(Rejection.ALGORITHM_NOT_ALLOWED, hmacVerifier().verify(token));
    }

    /** base64url characters whose 6-bit values differ only in the lowest bit. */
    static final class Base64Alphabet {
        static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        static char flipLowBit(char c) {
            return ALPHABET.charAt(ALPHABET.indexOf(c) ^ 1);
        }
    }
}
