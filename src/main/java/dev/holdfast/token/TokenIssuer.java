package dev.holdfast.token;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/** Issues access tokens: JWS compact, {@code typ: at+jwt}, signed with the first key. Thread-safe. */
public final class TokenIssuer {

    static final String TYPE = "at+jwt";

    private final Keys keys;
    private final String issuer;
    private final Optional<String> audience;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TokenIssuer(Keys keys, String issuer, Optional<String> audience, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.issuer = requireText(issuer, "issuer");
        this.audience = Objects.requireNonNull(audience, "audience");
        audience.ifPresent(a -> requireText(a, "audience"));
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!keys.canSign()) {
            throw new IllegalArgumentException("keys (" + keys + ") are verify-only and cannot issue tokens");
        }
    }

    /**
     * Signs a token for {@code subject} (the username) valid for {@code ttl} (whole seconds, at least one).
     *
     * @throws IllegalArgumentException if an argument is blank or the token would exceed the 8 KiB the verifier accepts
     */
    public IssuedToken issue(String subject, Optional<String> userId, List<String> roles, String tier, Duration ttl) {
        requireText(subject, "subject");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(roles, "roles");
        requireText(tier, "tier");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.getSeconds() < 1) {
            throw new IllegalArgumentException("ttl must be at least one second, was " + ttl);
        }
        List<String> roleList = new ArrayList<>(roles.size());
        for (String role : roles) {
            roleList.add(Objects.requireNonNull(role, "roles element"));
        }
        long now = clock.instant().getEpochSecond();
        long exp = now + ttl.getSeconds();
        byte[] id = new byte[16];
        random.nextBytes(id);
        String jti = Keys.base64url(id);

        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        audience.ifPresent(claims::setAudience);
        userId.ifPresent(uid -> claims.setClaim("uid", uid));
        claims.setStringListClaim("roles", roleList);
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(exp));
        claims.setJwtId(jti);
        claims.setClaim("tier", tier);

        Keys.VerificationKey signing = keys.signing();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayloadBytes(claims.toJson().getBytes(StandardCharsets.UTF_8));
        jws.setAlgorithmHeaderValue(signing.algorithm);
        jws.setKeyIdHeaderValue(signing.kid);
        jws.setHeader("typ", TYPE);
        jws.setKey(signing.key);
        String compact;
        try {
            compact = jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("signing with " + keys + " failed: " + e.getClass().getSimpleName(), e);
        }
        if (compact.length() > TokenVerifier.MAX_TOKEN_CHARS) {
            throw new IllegalArgumentException("roles make the token " + compact.length()
                    + " characters; the verifier accepts at most " + TokenVerifier.MAX_TOKEN_CHARS);
        }
        return new IssuedToken(compact, jti, Instant.ofEpochSecond(exp), Duration.ofSeconds(ttl.getSeconds()));
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
