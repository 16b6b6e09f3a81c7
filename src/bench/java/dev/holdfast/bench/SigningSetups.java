package dev.holdfast.bench;

import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenIssuer;
import dev.holdfast.token.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * One signing algorithm set up the way Holdfast runs it: keys, a {@link TokenVerifier}, a valid token from
 * {@link TokenIssuer}, and the baseline a careful developer would write with bare jose4j for the same token.
 */
final class SigningSetups {

    static final String ISSUER = "holdfast";
    static final Duration TTL = Duration.ofHours(1);
    static final Duration SKEW = Duration.ofSeconds(30);
    /** 32 bytes, the minimum for jwt.secret; a fixed value so runs compare. */
    static final byte[] HMAC_SECRET = "bench-secret-0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

    final String algorithm;
    final TokenVerifier verifier;
    final String token;
    final JwtConsumer jose4jConsumer;

    private SigningSetups(String algorithm, Keys keys, Key verificationKey) {
        this.algorithm = algorithm;
        Clock clock = Clock.systemUTC();
        this.verifier = new TokenVerifier(keys, ISSUER, Optional.empty(), TTL, SKEW, new RevocationList(clock), clock);
        this.token = new TokenIssuer(keys, ISSUER, Optional.empty(), clock)
                .issue("alice", Optional.of("42"), List.of("user", "admin"), "database", TTL).compact();
        this.jose4jConsumer = jose4jConsumer(algorithm, verificationKey);
    }

    /** Bare jose4j with the settings its documentation recommends for access tokens. */
    static JwtConsumer jose4jConsumer(String algorithm, Key verificationKey) {
        return new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithm))
                .setVerificationKey(verificationKey)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setRequireJwtId()
                .setMaxFutureValidityInMinutes((int) TTL.toMinutes())
                .setAllowedClockSkewInSeconds((int) SKEW.getSeconds())
                .setExpectedIssuer(ISSUER)
                .setExpectedType(true, "at+jwt")
                .build();
    }

    static SigningSetups of(String algorithm) {
        try {
            switch (algorithm) {
                case "HS256":
                    return new SigningSetups(algorithm, Keys.hmac(HMAC_SECRET), new HmacKey(HMAC_SECRET));
                case "RS256":
                    return fromJwk(algorithm, RsaJwkGenerator.generateJwk(2048));
                case "ES256":
                    return fromJwk(algorithm, EcJwkGenerator.generateJwk(EllipticCurves.P256));
                case "EdDSA":
                    return fromJwk(algorithm, OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519));
                default:
                    throw new IllegalArgumentException("no setup for algorithm " + algorithm);
            }
        } catch (JoseException e) {
            throw new IllegalStateException("could not generate a " + algorithm + " key", e);
        }
    }

    private static SigningSetups fromJwk(String algorithm, PublicJsonWebKey jwk) {
        jwk.setKeyId("bench-" + algorithm.toLowerCase());
        String json = new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
        return new SigningSetups(algorithm, Keys.fromJwkSet(json), jwk.getPublicKey());
    }

    /** The header and payload, exactly the bytes the signature covers. */
    static byte[] signingInput(String compact) {
        return compact.substring(0, compact.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    }
}
