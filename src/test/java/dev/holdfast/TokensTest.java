package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.holdfast.config.Settings;
import dev.holdfast.config.SettingsReader;
import dev.holdfast.token.Forge;
import dev.holdfast.web.ServletMocks;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokensTest {

    static Settings settings(Map<String, String> contextParams) throws Exception {
        return new SettingsReader(Map.of(), Map.of(), Map.of(), contextParams, "test").read(SettingsReader.Purpose.FILTER);
    }

    static String cookieFor(Map<String, String> params) throws Exception {
        ServletMocks.Response r = new ServletMocks.Response();
        Tokens.cookies(settings(params)).set(new ServletMocks.Request("POST", "/auth/login").https().build(), r.mock, "a.b.c", Duration.ofMinutes(1));
        return r.header("Set-Cookie");
    }

    @Test
    void cookieFollowsCookieNamePathAndSecure() throws Exception {
        String secret = new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("holdfast_token=a.b.c; Max-Age=60; Path=/app; HttpOnly; SameSite=Lax; Secure",
                cookieFor(Map.of("holdfast.jwt.secret", secret)));
        assertEquals("sso=a.b.c; Max-Age=60; Path=/; HttpOnly; SameSite=Lax",
                cookieFor(Map.of("holdfast.jwt.secret", secret, "holdfast.cookie.name", "sso", "holdfast.cookie.path", "/",
                        "holdfast.cookie.secure", "false")));
        ServletMocks.Response r = new ServletMocks.Response();
        Tokens.cookies(settings(Map.of("holdfast.jwt.secret", secret, "holdfast.cookie.secure", "true")))
                .set(new ServletMocks.Request("POST", "/auth/login").build(), r.mock, "a.b.c", Duration.ofMinutes(1));
        assertEquals("holdfast_token=a.b.c; Max-Age=60; Path=/app; HttpOnly; SameSite=Lax; Secure", r.header("Set-Cookie"));
    }

    @Test
    void verifierAcceptsEmergencyTokensLongerThanJwtTtl() throws Exception {
        String secret = new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII);
        Settings s = settings(Map.of("holdfast.jwt.secret", secret, "holdfast.jwt.ttl", "PT5M",
                "holdfast.emergency.enabled", "true", "holdfast.emergency.ttl", "PT15M"));
        java.time.Clock clock = java.time.Clock.fixed(Forge.NOW, java.time.ZoneOffset.UTC);
        dev.holdfast.token.TokenVerifier verifier = Tokens.verifier(s, Tokens.keys(s), new dev.holdfast.token.RevocationList(clock), clock);
        String emergency = new dev.holdfast.token.TokenIssuer(Tokens.keys(s), "holdfast", java.util.Optional.empty(), clock)
                .issue("root", java.util.Optional.empty(), java.util.List.of(), "emergency", Duration.ofMinutes(15)).compact();
        assertEquals(true, verifier.verify(emergency).isValid());
        Settings plain = settings(Map.of("holdfast.jwt.secret", secret, "holdfast.jwt.ttl", "PT5M"));
        assertEquals(java.util.Optional.of(dev.holdfast.token.Rejection.LIFETIME_TOO_LONG),
                Tokens.verifier(plain, Tokens.keys(plain), new dev.holdfast.token.RevocationList(clock), clock).verify(emergency).rejection());
    }

    /** Two applications given the same key: one login for both by default, kept apart by one setting each. */
    @Test
    void oneAudienceSettingPerApplicationKeepsAppsSharingAKeyApart() throws Exception {
        String secret = new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII);
        java.time.Clock clock = java.time.Clock.fixed(Forge.NOW, java.time.ZoneOffset.UTC);
        Settings shopDefaults = settings(Map.of("holdfast.jwt.secret", secret));
        Settings crmDefaults = settings(Map.of("holdfast.jwt.secret", secret));
        assertEquals(true, verifierOf(crmDefaults, clock).verify(tokenOf(shopDefaults, clock)).isValid(),
                "without an audience, every app holding the key accepts the others' tokens");

        Settings shop = settings(Map.of("holdfast.jwt.secret", secret, "holdfast.jwt.audience", "shop"));
        Settings crm = settings(Map.of("holdfast.jwt.secret", secret, "holdfast.jwt.audience", "crm"));
        assertEquals(true, verifierOf(shop, clock).verify(tokenOf(shop, clock)).isValid());
        assertEquals(java.util.Optional.of(dev.holdfast.token.Rejection.WRONG_AUDIENCE),
                verifierOf(crm, clock).verify(tokenOf(shop, clock)).rejection());
        assertEquals(java.util.Optional.of(dev.holdfast.token.Rejection.WRONG_AUDIENCE),
                verifierOf(crm, clock).verify(tokenOf(shopDefaults, clock)).rejection(), "a token without aud");
        assertEquals(false, verifierOf(crmDefaults, clock).verify(tokenOf(shop, clock)).isValid(),
                "an app without an audience refuses tokens meant for one");
    }

    private static dev.holdfast.token.TokenVerifier verifierOf(Settings s, java.time.Clock clock) throws Exception {
        return Tokens.verifier(s, Tokens.keys(s), new dev.holdfast.token.RevocationList(clock), clock);
    }

    private static String tokenOf(Settings s, java.time.Clock clock) throws Exception {
        return Tokens.issuer(s, Tokens.keys(s), clock)
                .issue("alice", java.util.Optional.empty(), java.util.List.of("user"), "database", Duration.ofMinutes(5)).compact();
    }

    @Test
    void verifierFollowsRequireKidAndTheCacheSize() throws Exception {
        String secret = new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII);
        java.time.Clock clock = java.time.Clock.fixed(Forge.NOW, java.time.ZoneOffset.UTC);
        String kidless = Forge.jws("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", Forge.claims(), Forge.hmac(Forge.SECRET));
        Settings defaults = settings(Map.of("holdfast.jwt.secret", secret));
        dev.holdfast.token.TokenVerifier cached = Tokens.verifier(defaults, Tokens.keys(defaults),
                new dev.holdfast.token.RevocationList(clock), clock);
        dev.holdfast.token.Verification first = cached.verify(kidless);
        assertEquals(true, first.isValid());
        org.junit.jupiter.api.Assertions.assertSame(first, cached.verify(kidless), "the default cache answers a repeated token");

        Settings strictUncached = settings(Map.of("holdfast.jwt.secret", secret, "holdfast.jwt.requireKid", "true",
                "holdfast.jwt.cache.maxEntries", "0"));
        dev.holdfast.token.TokenVerifier strict = Tokens.verifier(strictUncached, Tokens.keys(strictUncached),
                new dev.holdfast.token.RevocationList(clock), clock);
        assertEquals(java.util.Optional.of(dev.holdfast.token.Rejection.UNKNOWN_KEY), strict.verify(kidless).rejection());
        String named = Forge.hs(Forge.claims());
        org.junit.jupiter.api.Assertions.assertNotSame(strict.verify(named), strict.verify(named), "the cache is off");
    }

    @Test
    void refusesANegativeCacheSizeAndALenientRequireKid() {
        String secret = new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII);
        dev.holdfast.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(dev.holdfast.config.ConfigException.class,
                () -> settings(Map.of("holdfast.jwt.secret", secret, "holdfast.jwt.cache.maxEntries", "-1",
                        "holdfast.jwt.requireKid", "yes")));
        assertEquals(2, e.problems().size(), e.problems().toString());
        org.junit.jupiter.api.Assertions.assertTrue(e.problems().get(0).contains("[holdfast.jwt.requireKid] = [yes]"), e.problems().toString());
        org.junit.jupiter.api.Assertions.assertTrue(e.problems().get(1).contains("[holdfast.jwt.cache.maxEntries] = [-1]"), e.problems().toString());
    }

    @Test
    void longestTokenLifeIsTheLongestTtlAcceptedPlusTheSkew() throws Exception {
        String secret = new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(Duration.ofMinutes(15).plusSeconds(30), Tokens.longestTokenLife(settings(Map.of("holdfast.jwt.secret", secret,
                "holdfast.jwt.ttl", "PT5M", "holdfast.emergency.enabled", "true", "holdfast.emergency.ttl", "PT15M"))));
        assertEquals(Duration.ofMinutes(5).plusSeconds(10), Tokens.longestTokenLife(settings(Map.of("holdfast.jwt.secret", secret,
                "holdfast.jwt.ttl", "PT5M", "holdfast.jwt.clockSkew", "PT10S"))));
    }

    @Test
    void revocationListHoldsJwtRevocationsMaxEntries() throws Exception {
        String secret = new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII);
        java.time.Clock clock = java.time.Clock.fixed(Forge.NOW, java.time.ZoneOffset.UTC);
        Tokens tokens = Tokens.from(settings(Map.of("holdfast.jwt.secret", secret, "holdfast.jwt.revocations.maxEntries", "1000")), clock);
        for (int i = 0; i < 1_001; i++) {
            tokens.revocations.revoke("jti-" + i, Forge.NOW.plus(Duration.ofMinutes(10)).plusMillis(i));
        }
        assertEquals(1_000, tokens.revocations.size());
    }
}
