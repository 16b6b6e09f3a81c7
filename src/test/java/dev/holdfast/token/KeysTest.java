package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.lang.HashUtil;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void hmacSignsAndVerifiesHs256Only() {
        Keys keys = Keys.hmac(Forge.SECRET);
        assertTrue(keys.canSign());
        assertEquals(java.util.Set.of("HS256"), keys.algorithms());
        assertEquals(Optional.empty(), keys.publicJwkSetJson());
    }

    @Test
    void hmacRefusesShortSecretNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.hmac(new byte[10]));
        assertEquals("secret is 10 bytes; HS256 needs at least 32 bytes", e.getMessage());
    }

    @Test
    void hs512NeedsA64ByteSecret() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.hmac(new byte[48], "HS512"));
        assertEquals("secret is 48 bytes; HS512 needs at least 64 bytes", e.getMessage());
        assertEquals(java.util.Set.of("HS512"), Keys.hmac(new byte[64], "HS512").algorithms());
    }

    @Test
    void hmacRefusesAlgorithmsThatAreNotHmac() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.hmac(new byte[64], "RS256"));
        assertEquals("algorithm [RS256] is not HS256, HS384 or HS512", e.getMessage());
    }

    @Test
    void hmacKidRevealsNothingButIsStable() {
        assertEquals(Keys.hmac(Forge.SECRET).signing().kid, Keys.hmac(Forge.SECRET.clone()).signing().kid);
        assertNotEquals(Keys.hmac(Forge.SECRET).signing().kid, Keys.hmac(new byte[32]).signing().kid);
    }

    @Test
    void jwkSetFirstKeySignsAndAllVerifyUnderTheirOwnAlgorithm() {
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.ec(), Forge.rsa(), Forge.ed()));
        assertTrue(keys.canSign());
        assertEquals("ES256", keys.signing().algorithm);
        assertEquals(java.util.Set.of("ES256", "RS256", "EdDSA"), keys.algorithms());
    }

    @Test
    void jwkSetGivesKeysWithoutKidTheirThumbprint() {
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.rsa()));
        assertEquals(Forge.rsa().calculateBase64urlEncodedThumbprint(HashUtil.SHA_256), keys.signing().kid);
    }

    @Test
    void jwkSetKeepsAGivenKid() throws Exception {
        JsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId("2026-01");
        assertEquals("2026-01", Keys.fromJwkSet(Forge.privateSet(key)).signing().kid);
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishesOnlyPublicKeysWithKidKtyAlgAndUse() throws Exception {
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.rsa(), Forge.ec(), Forge.ed()));
        String json = keys.publicJwkSetJson().orElseThrow();
        List<Map<String, Object>> published = (List<Map<String, Object>>) JsonUtil.parseJson(json).get("keys");
        assertEquals(3, published.size());
        for (Map<String, Object> jwk : published) {
            assertEquals("sig", jwk.get("use"));
            assertTrue(jwk.containsKey("kid") && jwk.containsKey("kty") && jwk.containsKey("alg"), jwk.toString());
            for (String privateMember : List.of("d", "p", "q", "dp", "dq", "qi")) {
                assertFalse(jwk.containsKey(privateMember), "published " + privateMember);
            }
        }
        assertEquals(List.of("RS256", "ES256", "EdDSA"), List.of(published.get(0).get("alg"), published.get(1).get("alg"), published.get(2).get("alg")));
    }

    @Test
    void refusesSymmetricKeys() {
        String set = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" + Forge.b64(Forge.SECRET) + "\"}]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet(set));
        assertEquals("key #1 is a symmetric (oct) key; put an HMAC secret in jwt.secret, and only RSA, EC P-256 or Ed25519 private keys in jwt.keys", e.getMessage());
    }

    @Test
    void refusesPublicOnlyKeys() {
        String set = "{\"keys\":[" + Forge.rsa().toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet(set));
        assertEquals("key #1 is a public key only; jwt.keys needs the private keys (it signs)", e.getMessage());
    }

    @Test
    void refusesRsaUnder2048Bits() throws Exception {
        String set = Forge.privateSet(RsaJwkGenerator.generateJwk(1024));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet(set));
        assertEquals("key #1 is a 1024-bit RSA key; at least 2048 bits are required", e.getMessage());
    }

    @Test
    void refusesOtherCurves() throws Exception {
        String set = Forge.privateSet(EcJwkGenerator.generateJwk(EllipticCurves.P384));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet(set));
        assertEquals("key #1 is an EC key on P-384; only P-256 (ES256) is supported", e.getMessage());
    }

    @Test
    void refusesAKeyDeclaringAnotherAlgorithm() throws Exception {
        JsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setAlgorithm("HS256");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet(Forge.privateSet(key)));
        assertEquals("key #1 declares alg [HS256]; Holdfast uses ES256 for this key type", e.getMessage());
    }

    @Test
    void refusesRepeatedKid() throws Exception {
        JsonWebKey a = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        JsonWebKey b = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        a.setKeyId("k");
        b.setKeyId("k");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet(Forge.privateSet(a, b)));
        assertEquals("key #2 repeats kid [k]; every key needs its own kid", e.getMessage());
    }

    @Test
    void refusesAPrivateKeyThatDoesNotMatchItsPublicHalf() throws Exception {
        java.util.Map<String, Object> mixed = new java.util.LinkedHashMap<>(Forge.ec().toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        mixed.put("d", EcJwkGenerator.generateJwk(EllipticCurves.P256).toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE).get("d"));
        String set = "{\"keys\":[" + JsonUtil.toJson(mixed) + "]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet(set));
        assertEquals("key #1 has a private key that does not match its public key", e.getMessage());
    }

    @Test
    void refusesAKidLongerThanTheVerifierAccepts() throws Exception {
        JsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId("k".repeat(129));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet(Forge.privateSet(key)));
        assertEquals("key #1 has a kid of 129 characters; at most 128 are accepted", e.getMessage());
    }

    @Test
    void refusesEmptySetAndNonJson() {
        assertEquals("json is a JWK Set without any key",
                assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet("{\"keys\":[]}")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Keys.fromJwkSet("nope")).getMessage()
                .startsWith("json is not a JWK Set"));
    }

    @Test
    void derivesDifferentStableSubkeysPerPurpose() {
        Keys keys = Keys.hmac(Forge.SECRET);
        byte[] a = keys.deriveSubkey("credential-tier");
        assertEquals(32, a.length);
        assertArrayEquals(a, Keys.hmac(Forge.SECRET).deriveSubkey("credential-tier"));
        assertFalse(java.util.Arrays.equals(a, keys.deriveSubkey("other")));
        assertFalse(java.util.Arrays.equals(a, Keys.hmac(new byte[32]).deriveSubkey("credential-tier")));
        assertEquals(32, Keys.fromJwkSet(Forge.privateSet(Forge.ed())).deriveSubkey("credential-tier").length);
    }

    @Test
    void remoteKeysAreVerifyOnlyAndCannotDerive() {
        Keys keys = Keys.remote(URI.create("https://auth.example/.well-known/jwks.json"));
        assertFalse(keys.canSign());
        assertEquals(Optional.empty(), keys.publicJwkSetJson());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> keys.deriveSubkey("credential-tier"));
        assertEquals("verify-only keys (remote JWK Set https://auth.example/.well-known/jwks.json) hold no secret to derive [credential-tier] from", e.getMessage());
    }

    @Test
    void remoteRefusesPlainHttpExceptOnLoopback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Keys.remote(URI.create("http://auth.example/.well-known/jwks.json")));
        assertEquals("jwksUrl [http://auth.example/.well-known/jwks.json] must be https (http only on localhost)", e.getMessage());
        assertFalse(Keys.remote(URI.create("http://127.0.0.1:8080/.well-known/jwks.json")).canSign());
    }
}
