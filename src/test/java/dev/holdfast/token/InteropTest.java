package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** nimbus-jose-jwt (and the JDK's Ed25519) as the independent implementation, both ways, per algorithm. */
class InteropTest {

    static final Clock CLOCK = Clock.fixed(Forge.NOW, ZoneOffset.UTC);

    static IssuedToken issue(Keys keys) {
        return new TokenIssuer(keys, "holdfast", Optional.of("orders"), CLOCK)
                .issue("alice", Optional.of("42"), List.of("user", "admin"), "database", Duration.ofMinutes(10));
    }

    static TokenVerifier verifier(Keys keys) {
        return new TokenVerifier(keys, "holdfast", Optional.of("orders"), Duration.ofHours(1), Duration.ofSeconds(30),
                new RevocationList(CLOCK), CLOCK);
    }

    static void assertNimbusVerifies(String compact, JWSVerifier verifier, String alg) throws Exception {
        SignedJWT jwt = SignedJWT.parse(compact);
        assertTrue(jwt.verify(verifier), "nimbus refused our " + alg + " token");
        assertHeaderAndClaims(jwt, alg);
    }

    static void assertHeaderAndClaims(SignedJWT jwt, String alg) throws Exception {
        assertEquals(alg, jwt.getHeader().getAlgorithm().getName());
        assertEquals("at+jwt", jwt.getHeader().getType().getType());
        assertTrue(jwt.getHeader().getKeyID() != null && !jwt.getHeader().getKeyID().isEmpty());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals("holdfast", claims.getIssuer());
        assertEquals("alice", claims.getSubject());
        assertEquals(List.of("orders"), claims.getAudience());
        assertEquals("42", claims.getStringClaim("uid"));
        assertEquals(List.of("user", "admin"), claims.getStringListClaim("roles"));
        assertEquals("database", claims.getStringClaim("tier"));
        assertEquals(Date.from(Forge.NOW), claims.getIssueTime());
        assertEquals(Date.from(Forge.NOW.plusSeconds(600)), claims.getExpirationTime());
        assertEquals(22, claims.getJWTID().length()); // 128 random bits, base64url
    }

    @Test
    void ourHs256TokenVerifiesWithNimbus() throws Exception {
        assertNimbusVerifies(issue(Keys.hmac(Forge.SECRET)).compact(), new MACVerifier(Forge.SECRET), "HS256");
    }

    @Test
    void ourRs256TokenVerifiesWithNimbus() throws Exception {
        assertNimbusVerifies(issue(Keys.fromJwkSet(Forge.privateSet(Forge.rsa()))).compact(),
                new RSASSAVerifier(Forge.rsa().getRsaPublicKey()), "RS256");
    }

    @Test
    void ourEs256TokenVerifiesWithNimbus() throws Exception {
        assertNimbusVerifies(issue(Keys.fromJwkSet(Forge.privateSet(Forge.ec()))).compact(),
                new ECDSAVerifier((ECPublicKey) Forge.ec().getPublicKey()), "ES256");
    }

    @Test
    void ourEdDsaTokenVerifiesWithTheJdk() throws Exception {
        String compact = issue(Keys.fromJwkSet(Forge.privateSet(Forge.ed()))).compact();
        SignedJWT jwt = SignedJWT.parse(compact);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(Forge.ed().getPublicKey());
        jdk.update(jwt.getSigningInput());
        assertTrue(jdk.verify(jwt.getSignature().decode()), "the JDK refused our EdDSA token");
        assertHeaderAndClaims(jwt, "EdDSA");
    }

    static String nimbusToken(JWSAlgorithm alg, String kid, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header(alg, kid), claims());
        jwt.sign(signer);
        return jwt.serialize();
    }

    static JWSHeader header(JWSAlgorithm alg, String kid) {
        return new JWSHeader.Builder(alg).keyID(kid).type(new JOSEObjectType("at+jwt")).build();
    }

    static JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().issuer("holdfast").subject("bob").audience("orders")
                .claim("roles", List.of("user")).claim("tier", "cache")
                .issueTime(Date.from(Forge.NOW)).expirationTime(Date.from(Forge.NOW.plusSeconds(300)))
                .jwtID("nimbus-1").build();
    }

    static void assertAccepted(Keys keys, String compact) {
        Verification v = verifier(keys).verify(compact);
        assertTrue(v.isValid(), v.toString());
        VerifiedToken token = v.token().orElseThrow();
        assertEquals("bob", token.subject());
        assertEquals(java.util.Set.of("user"), token.roles());
        assertEquals(Optional.of("cache"), token.tier());
        assertEquals("nimbus-1", token.jti());
        assertEquals(Forge.NOW.plusSeconds(300), token.expiresAt());
    }

    @Test
    void acceptsHs256TokenNimbusSignedWithOurSecret() throws Exception {
        Keys keys = Keys.hmac(Forge.SECRET);
        assertAccepted(keys, nimbusToken(JWSAlgorithm.HS256, Forge.hmacKid(), new MACSigner(Forge.SECRET)));
    }

    @Test
    void acceptsRs256TokenNimbusSignedWithOurKey() throws Exception {
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.rsa()));
        assertAccepted(keys, nimbusToken(JWSAlgorithm.RS256, keys.signing().kid, new RSASSASigner(Forge.rsa().getRsaPrivateKey())));
    }

    @Test
    void acceptsEs256TokenNimbusSignedWithOurKey() throws Exception {
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.ec()));
        assertAccepted(keys, nimbusToken(JWSAlgorithm.ES256, keys.signing().kid,
                new ECDSASigner((ECPrivateKey) Forge.ec().getPrivateKey())));
    }

    @Test
    void acceptsEdDsaTokenSerialisedByNimbusAndSignedByTheJdk() throws Exception {
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.ed()));
        Base64URL header = header(JWSAlgorithm.EdDSA, keys.signing().kid).toBase64URL();
        Base64URL payload = claims().toPayload().toBase64URL();
        String input = header + "." + payload;
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(Forge.ed().getPrivateKey());
        jdk.update(input.getBytes(StandardCharsets.US_ASCII));
        assertAccepted(keys, input + "." + Base64URL.encode(jdk.sign()));
    }

    @Test
    void rotationOldKeyStillVerifiesNewKeySigns() throws Exception {
        Keys before = Keys.fromJwkSet(Forge.privateSet(Forge.rsa()));
        Keys after = Keys.fromJwkSet(Forge.privateSet(Forge.ec(), Forge.rsa()));
        String old = issue(before).compact();
        assertTrue(verifier(after).verify(old).isValid());
        assertEquals("ES256", SignedJWT.parse(issue(after).compact()).getHeader().getAlgorithm().getName());
    }

    @Test
    void everyIssuedTokenRoundTripsThroughOurVerifier() {
        for (Keys keys : List.of(Keys.hmac(Forge.SECRET), Keys.hmac(new byte[64], "HS512"),
                Keys.fromJwkSet(Forge.privateSet(Forge.rsa())), Keys.fromJwkSet(Forge.privateSet(Forge.ec())),
                Keys.fromJwkSet(Forge.privateSet(Forge.ed())))) {
            IssuedToken issued = issue(keys);
            Verification v = verifier(keys).verify(issued.compact());
            assertTrue(v.isValid(), keys + ": " + v);
            assertEquals(issued.jti(), v.token().orElseThrow().jti());
            assertEquals(Optional.of("42"), v.token().orElseThrow().userId());
        }
    }
}
