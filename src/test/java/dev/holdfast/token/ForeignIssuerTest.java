package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.junit.jupiter.api.Test;

/**
 * Tokens from an existing issuer, minted by an independent library (nimbus-jose-jwt), with and without {@code kid}:
 * verified when the kid names our key, or when there is none and exactly one key fits the algorithm.
 */
class ForeignIssuerTest {

    static final Clock CLOCK = Clock.fixed(Forge.NOW, ZoneOffset.UTC);

    static TokenVerifier verifier(Keys keys, boolean requireKid) {
        return new TokenVerifier(keys, "holdfast", Optional.empty(), Duration.ofHours(1), Duration.ofSeconds(30),
                new RevocationList(CLOCK), CLOCK, requireKid, 100);
    }

    /** What a Node or Java service signing with its own library sends: at+jwt, the usual claims, kid optional. */
    static String nimbus(JWSAlgorithm alg, JWSSigner signer, String kid) throws Exception {
        JWSHeader.Builder header = new JWSHeader.Builder(alg).type(new JOSEObjectType("at+jwt"));
        if (kid != null) {
            header.keyID(kid);
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("holdfast").subject("carol").jwtID("nimbus-1")
                .issueTime(Date.from(Forge.NOW)).expirationTime(Date.from(Forge.NOW.plusSeconds(300)))
                .claim("roles", List.of("user")).build();
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static RsaJsonWebKey secondRsa() throws Exception {
        return RsaJwkGenerator.generateJwk(2048);
    }

    @Test
    void sharedSecretWithoutKidIsVerified() throws Exception {
        Verification v = verifier(Keys.hmac(Forge.SECRET), false).verify(nimbus(JWSAlgorithm.HS256, new MACSigner(Forge.SECRET), null));
        assertTrue(v.isValid(), v.toString());
        assertEquals("carol", v.token().orElseThrow().subject());
        assertEquals(java.util.Set.of("user"), v.token().orElseThrow().roles());
    }

    @Test
    void sharedSecretWithOurKidIsVerified() throws Exception {
        Keys keys = Keys.hmac(Forge.SECRET);
        String kid = keys.signing().kid;
        assertTrue(verifier(keys, true).verify(nimbus(JWSAlgorithm.HS256, new MACSigner(Forge.SECRET), kid)).isValid());
    }

    @Test
    void sharedSecretWithAnotherKidIsRefused() throws Exception {
        Verification v = verifier(Keys.hmac(Forge.SECRET), false).verify(nimbus(JWSAlgorithm.HS256, new MACSigner(Forge.SECRET), "node-service"));
        assertEquals(Optional.of(Rejection.UNKNOWN_KEY), v.rejection());
    }

    @Test
    void requireKidRefusesATokenWithoutKid() throws Exception {
        Verification v = verifier(Keys.hmac(Forge.SECRET), true).verify(nimbus(JWSAlgorithm.HS256, new MACSigner(Forge.SECRET), null));
        assertEquals(Optional.of(Rejection.UNKNOWN_KEY), v.rejection());
    }

    @Test
    void wrongSecretWithoutKidIsABadSignature() throws Exception {
        Verification v = verifier(Keys.hmac(Forge.SECRET), false).verify(nimbus(JWSAlgorithm.HS256, new MACSigner(new byte[32]), null));
        assertEquals(Optional.of(Rejection.BAD_SIGNATURE), v.rejection());
    }

    @Test
    void onePublicKeyForTheAlgorithmVerifiesATokenWithoutKid() throws Exception {
        // RSA and EC keys: only one fits RS256
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.rsa(), Forge.ec()));
        Verification v = verifier(keys, false).verify(nimbus(JWSAlgorithm.RS256, new RSASSASigner(Forge.rsa().getRsaPrivateKey()), null));
        assertTrue(v.isValid(), v.toString());
        Verification named = verifier(keys, false).verify(nimbus(JWSAlgorithm.RS256, new RSASSASigner(Forge.rsa().getRsaPrivateKey()),
                keys.kids().iterator().next()));
        assertTrue(named.isValid(), named.toString());
    }

    @Test
    void severalKeysForTheAlgorithmRefuseATokenWithoutKid() throws Exception {
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.rsa(), secondRsa()));
        Verification v = verifier(keys, false).verify(nimbus(JWSAlgorithm.RS256, new RSASSASigner(Forge.rsa().getRsaPrivateKey()), null));
        assertEquals(Optional.of(Rejection.UNKNOWN_KEY), v.rejection());
    }
}
