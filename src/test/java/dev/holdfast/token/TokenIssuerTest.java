package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {

    static final Clock CLOCK = Clock.fixed(Forge.NOW, ZoneOffset.UTC);
    final TokenIssuer issuer = new TokenIssuer(Keys.hmac(Forge.SECRET), "holdfast", Optional.empty(), CLOCK);

    @Test
    void issuedTokenCarriesLifetimeExpiryAndAFreshJti() {
        IssuedToken a = issuer.issue("alice", Optional.empty(), List.of(), "database", Duration.ofMinutes(15));
        IssuedToken b = issuer.issue("alice", Optional.empty(), List.of(), "database", Duration.ofMinutes(15));
        assertEquals(Duration.ofMinutes(15), a.ttl());
        assertEquals(Forge.NOW.plus(Duration.ofMinutes(15)), a.expiresAt());
        assertNotEquals(a.jti(), b.jti());
    }

    @Test
    void toStringNeverShowsTheToken() {
        IssuedToken a = issuer.issue("alice", Optional.empty(), List.of(), "database", Duration.ofMinutes(15));
        assertFalse(a.toString().contains(a.compact()));
        assertFalse(a.toString().contains(a.compact().substring(0, 20)));
    }

    @Test
    void omitsUidAndAudienceWhenAbsentAndKeepsClaimsUnmodifiable() {
        IssuedToken a = issuer.issue("alice", Optional.empty(), List.of("x"), "cache", Duration.ofMinutes(15));
        TokenVerifier verifier = new TokenVerifier(Keys.hmac(Forge.SECRET), "holdfast", Optional.empty(),
                Duration.ofHours(1), Duration.ZERO, new RevocationList(CLOCK), CLOCK);
        VerifiedToken token = verifier.verify(a.compact()).token().orElseThrow();
        Map<String, Object> claims = token.claims();
        assertFalse(claims.containsKey("uid"));
        assertFalse(claims.containsKey("aud"));
        assertEquals(Optional.empty(), token.userId());
        assertThrows(UnsupportedOperationException.class, () -> claims.put("sub", "admin"));
        @SuppressWarnings("unchecked")
        List<Object> roles = (List<Object>) claims.get("roles");
        assertThrows(UnsupportedOperationException.class, () -> roles.add("admin"));
    }

    @Test
    void refusesVerifyOnlyKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenIssuer(
                Keys.remote(URI.create("https://a.example/jwks")), "holdfast", Optional.empty(), CLOCK));
        assertEquals("keys (remote JWK Set https://a.example/jwks) are verify-only and cannot issue tokens", e.getMessage());
    }

    @Test
    void refusesBlankSubjectAndSubSecondTtl() {
        assertEquals("subject must not be blank", assertThrows(IllegalArgumentException.class,
                () -> issuer.issue(" ", Optional.empty(), List.of(), "database", Duration.ofMinutes(1))).getMessage());
        assertEquals("ttl must be at least one second, was PT0.5S", assertThrows(IllegalArgumentException.class,
                () -> issuer.issue("a", Optional.empty(), List.of(), "database", Duration.ofMillis(500))).getMessage());
    }

    @Test
    void refusesRolesThatWouldMakeTheTokenTooLarge() {
        List<String> roles = Collections.nCopies(1000, "role-name");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> issuer.issue("a", Optional.empty(), roles, "database", Duration.ofMinutes(1)));
        assertTrue(e.getMessage().startsWith("roles make the token "), e.getMessage());
    }
}
