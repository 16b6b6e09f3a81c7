package dev.holdfast.bench;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenIssuer;
import dev.holdfast.token.TokenVerifier;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.keys.HmacKey;

/**
 * The same token bytes verified by Holdfast (first sight: cache off; repeated: cache on) and by four peers, each
 * configured as its documentation suggests for access tokens, as close to Holdfast's checks as it offers:
 * signature with a fixed algorithm, {@code iss}, {@code exp} with 30 s leeway, {@code iat}, {@code sub},
 * {@code jti} required where the library can say so, {@code typ at+jwt} where it can check it.
 */
final class PeerVerifiers {

    final String algorithm;
    final String token;
    final TokenVerifier holdfastFirstSight;
    final TokenVerifier holdfastRepeated;
    final JwtConsumer jose4j;
    final JWTVerifier auth0;
    final DefaultJWTProcessor<SecurityContext> nimbus;
    final JwtParser jjwt;
    /** The floor: the JDK's signature check alone over the same signing input, one object kept initialised. */
    final java.security.Signature bareRsa;
    final byte[] signingInput;
    final byte[] signature;

    private PeerVerifiers(String algorithm, Keys keys, org.jose4j.jwk.JsonWebKey jwk) throws Exception {
        this.algorithm = algorithm;
        Clock clock = Clock.systemUTC();
        this.token = new TokenIssuer(keys, SigningSetups.ISSUER, Optional.empty(), clock)
                .issue("alice", Optional.of("42"), List.of("user", "admin"), "database", SigningSetups.TTL).compact();
        this.holdfastFirstSight = new TokenVerifier(keys, SigningSetups.ISSUER, Optional.empty(), SigningSetups.TTL,
                SigningSetups.SKEW, new RevocationList(clock), clock, false, 0);
        this.holdfastRepeated = new TokenVerifier(keys, SigningSetups.ISSUER, Optional.empty(), SigningSetups.TTL,
                SigningSetups.SKEW, new RevocationList(clock), clock, false, TokenVerifier.DEFAULT_CACHE_ENTRIES);
        Algorithm auth0Algorithm;
        JWSVerificationKeySelector<SecurityContext> nimbusKeys;
        java.security.Key jjwtKey;
        java.security.Key jose4jKey;
        if (jwk == null) {
            auth0Algorithm = Algorithm.HMAC256(SigningSetups.HMAC_SECRET);
            String kid = com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID(); // nimbus matches keys by kid
            nimbusKeys = new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(
                    new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(SigningSetups.HMAC_SECRET).keyID(kid).build())));
            jjwtKey = new SecretKeySpec(SigningSetups.HMAC_SECRET, "HmacSHA256");
            jose4jKey = new HmacKey(SigningSetups.HMAC_SECRET);
        } else {
            RsaJsonWebKey rsa = (RsaJsonWebKey) jwk;
            auth0Algorithm = Algorithm.RSA256((RSAPublicKey) rsa.getPublicKey(), (RSAPrivateKey) null);
            nimbusKeys = new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                    new ImmutableJWKSet<>(new JWKSet(new RSAKey.Builder(rsa.getRsaPublicKey()).keyID(rsa.getKeyId()).build())));
            jjwtKey = rsa.getPublicKey();
            jose4jKey = rsa.getPublicKey();
        }
        this.jose4j = SigningSetups.jose4jConsumer(algorithm, jose4jKey);
        this.auth0 = JWT.require(auth0Algorithm).withIssuer(SigningSetups.ISSUER)
                .acceptLeeway(SigningSetups.SKEW.getSeconds())
                .withClaimPresence("sub").withClaimPresence("jti").withClaimPresence("iat").build();
        this.nimbus = new DefaultJWTProcessor<>();
        nimbus.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        nimbus.setJWSKeySelector(nimbusKeys);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(SigningSetups.ISSUER).build(),
                new HashSet<>(Set.of("sub", "iat", "exp", "jti")));
        claims.setMaxClockSkew((int) SigningSetups.SKEW.getSeconds());
        nimbus.setJWTClaimsSetVerifier(claims);
        this.jjwt = jwk == null
                ? Jwts.parser().verifyWith((javax.crypto.SecretKey) jjwtKey).requireIssuer(SigningSetups.ISSUER)
                        .clockSkewSeconds(SigningSetups.SKEW.getSeconds()).build()
                : Jwts.parser().verifyWith((java.security.PublicKey) jjwtKey).requireIssuer(SigningSetups.ISSUER)
                        .clockSkewSeconds(SigningSetups.SKEW.getSeconds()).build();
        this.signingInput = SigningSetups.signingInput(token);
        this.signature = java.util.Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
        if (jwk == null) {
            this.bareRsa = null;
        } else {
            this.bareRsa = java.security.Signature.getInstance("SHA256withRSA");
            bareRsa.initVerify(((RsaJsonWebKey) jwk).getPublicKey());
        }
        check();
    }

    Object bareRsa() throws Exception {
        bareRsa.update(signingInput);
        return bareRsa.verify(signature);
    }

    static PeerVerifiers of(String algorithm) {
        try {
            switch (algorithm) {
                case "HS256":
                    return new PeerVerifiers(algorithm, Keys.hmac(SigningSetups.HMAC_SECRET), null);
                case "RS256":
                    RsaJsonWebKey rsa = RsaJwkGenerator.generateJwk(2048);
                    rsa.setKeyId("bench-rs256");
                    return new PeerVerifiers(algorithm, Keys.fromJwkSet(new JsonWebKeySet(rsa)
                            .toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE)), rsa);
                default:
                    throw new IllegalArgumentException("no peer setup for " + algorithm);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not set up " + algorithm + " peers", e);
        }
    }

    Object holdfastFirstSight() {
        return holdfastFirstSight.verify(token);
    }

    Object holdfastRepeated() {
        return holdfastRepeated.verify(token);
    }

    Object jose4j() throws Exception {
        return jose4j.processToClaims(token);
    }

    Object auth0() {
        return auth0.verify(token);
    }

    Object nimbus() throws Exception {
        return nimbus.process(token, null);
    }

    Object jjwt() {
        return jjwt.parseSignedClaims(token);
    }

    /** Every verifier accepts the token, or the comparison would measure a refusal. */
    private void check() throws Exception {
        if (!holdfastFirstSight.verify(token).isValid() || !holdfastRepeated.verify(token).isValid()) {
            throw new IllegalStateException(algorithm + ": Holdfast refuses the token");
        }
        jose4j();
        auth0();
        nimbus();
        jjwt();
    }
}
