package dev.holdfast;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.token.Forge;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.web.ServletMocks;
import jakarta.servlet.ServletException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwe.KeyManagementAlgorithmIdentifiers;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.HashUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 2's attack catalogue through the filter: every item is its own case, answered 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"}, never 500, never passed on, and the body never
 * echoes the token or a stack trace. Each runs in the Authorization header and in the cookie.
 */
class JwtAuthFilterAttackTest {

    /** Which verifier a case attacks. */
    enum Target { HMAC, ASYMMETRIC, HMAC_WITH_AUDIENCE }

    static final RevocationList REVOKED = new RevocationList(FilterFixture.CLOCK);

    static {
        REVOKED.revoke("jti-1", Forge.NOW.plusSeconds(600));
    }

    static String asymmetricSet() {
        return Forge.privateSet(Forge.rsa(), Forge.ec());
    }

    static String rsaKid() {
        return Forge.rsa().calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
    }

    static String ecKid() {
        return Forge.ec().calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
    }

    static String withClaims(String from, String to) {
        return hs(claims().replace(from, to));
    }

    static byte[] curveOrderTwice() {
        byte[] n = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16).toByteArray();
        byte[] sig = new byte[64];
        System.arraycopy(n, n.length - 32, sig, 0, 32);
        System.arraycopy(n, n.length - 32, sig, 32, 32);
        return sig;
    }

    static String jwe() {
        try {
            JsonWebEncryption jwe = new JsonWebEncryption();
            jwe.setPayload(claims());
            jwe.setAlgorithmHeaderValue(KeyManagementAlgorithmIdentifiers.RSA_OAEP_256);
            jwe.setEncryptionMethodHeaderParameter(ContentEncryptionAlgorithmIdentifiers.AES_128_CBC_HMAC_SHA_256);
            jwe.setKey(Forge.rsa().getPublicKey());
            jwe.setKeyIdHeaderValue(rsaKid());
            return jwe.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> catalogue() {
        List<Arguments> cases = new ArrayList<>();
        for (String alg : List.of("none", "None", "NONE", "nOnE")) {
            cases.add(Arguments.of("alg " + alg, Target.HMAC, b64(header(alg, Forge.hmacKid())) + "." + b64(claims()) + "."));
        }
        String good = hs(claims());
        cases.add(Arguments.of("empty signature", Target.HMAC, good.substring(0, good.lastIndexOf('.') + 1)));
        cases.add(Arguments.of("truncated signature", Target.HMAC, good.substring(0, good.length() - 5)));
        byte[] der = Forge.rsa().getPublicKey().getEncoded();
        cases.add(Arguments.of("HS256 keyed with the RSA public key (DER)", Target.ASYMMETRIC,
                jws(header("HS256", rsaKid()), claims(), hmac(der))));
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        cases.add(Arguments.of("HS256 keyed with the RSA public key (PEM)", Target.ASYMMETRIC,
                jws(header("HS256", rsaKid()), claims(), hmac(pem.getBytes(StandardCharsets.US_ASCII)))));
        for (String kid : List.of("../../../../dev/null", "' OR '1'='1", "", "unknown")) {
            cases.add(Arguments.of("kid [" + kid + "]", Target.HMAC, jws(header("HS256", kid), claims(), hmac(new byte[32]))));
        }
        String attackerJwk = Forge.attackerRsa().toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        cases.add(Arguments.of("embedded jwk", Target.ASYMMETRIC,
                jws("{\"alg\":\"RS256\",\"kid\":\"" + rsaKid() + "\",\"typ\":\"at+jwt\",\"jwk\":" + attackerJwk + "}", claims(),
                        jca("SHA256withRSA", Forge.attackerRsa().getPrivateKey()))));
        for (String name : List.of("jku", "x5u")) {
            cases.add(Arguments.of(name + " pointing elsewhere", Target.ASYMMETRIC,
                    jws("{\"alg\":\"RS256\",\"kid\":\"" + rsaKid() + "\",\"typ\":\"at+jwt\",\"" + name
                            + "\":\"https://attacker.example/jwks\"}", claims(), jca("SHA256withRSA", Forge.attackerRsa().getPrivateKey()))));
        }
        cases.add(Arguments.of("ECDSA signature of 64 zero bytes", Target.ASYMMETRIC, jws(header("ES256", ecKid()), claims(), fixed(new byte[64]))));
        cases.add(Arguments.of("ECDSA signature r = s = n", Target.ASYMMETRIC, jws(header("ES256", ecKid()), claims(), fixed(curveOrderTwice()))));
        cases.add(Arguments.of("expired", Target.HMAC, hs(claims("\"exp\":" + (T - 31)))));
        cases.add(Arguments.of("nbf in the future", Target.HMAC, withClaims("\"jti\"", "\"nbf\":" + (T + 120) + ",\"jti\"")));
        cases.add(Arguments.of("iat in the future beyond skew", Target.HMAC, withClaims("\"iat\":" + T, "\"iat\":" + (T + 31))));
        cases.add(Arguments.of("missing exp", Target.HMAC, hs(claims(""))));
        cases.add(Arguments.of("exp null", Target.HMAC, hs(claims("\"exp\":null"))));
        cases.add(Arguments.of("exp 1e300", Target.HMAC, hs(claims("\"exp\":1e300"))));
        cases.add(Arguments.of("wrong iss", Target.HMAC, withClaims("\"iss\":\"holdfast\"", "\"iss\":\"evil\"")));
        cases.add(Arguments.of("missing iss", Target.HMAC, withClaims("\"iss\":\"holdfast\",", "")));
        cases.add(Arguments.of("wrong aud", Target.HMAC_WITH_AUDIENCE, withClaims("\"jti\"", "\"aud\":\"billing\",\"jti\"")));
        cases.add(Arguments.of("missing aud", Target.HMAC_WITH_AUDIENCE, hs(claims())));
        cases.add(Arguments.of("aud array without ours", Target.HMAC_WITH_AUDIENCE, withClaims("\"jti\"", "\"aud\":[\"a\",\"b\"],\"jti\"")));
        cases.add(Arguments.of("crit with an unknown name", Target.HMAC, jws("{\"alg\":\"HS256\",\"kid\":\"" + Forge.hmacKid()
                + "\",\"typ\":\"at+jwt\",\"crit\":[\"holdfast-x\"],\"holdfast-x\":1}", claims(), hmac(SECRET))));
        cases.add(Arguments.of("duplicate claim names", Target.HMAC, withClaims("\"sub\":\"alice\"", "\"sub\":\"alice\",\"sub\":\"admin\"")));
        cases.add(Arguments.of("duplicate claim names with an escape", Target.HMAC,
                withClaims("\"sub\":\"alice\"", "\"sub\":\"alice\",\"s\\u0075b\":\"admin\"")));
        cases.add(Arguments.of("9 KiB token", Target.HMAC, withClaims("\"tier\"", "\"pad\":\"" + "a".repeat(7000) + "\",\"tier\"")));
        cases.add(Arguments.of("1 MiB token", Target.HMAC, b64(hsHeader()) + "." + "A".repeat(1024 * 1024) + ".AAAA"));
        cases.add(Arguments.of("100k-deep nested JSON", Target.HMAC,
                jws(hsHeader(), "{\"sub\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", hmac(SECRET))));
        for (String bad : List.of("!!", "+", "/", "=", "%")) {
            cases.add(Arguments.of("non-base64url [" + bad + "]", Target.HMAC,
                    good.substring(0, good.length() - 2) + bad + good.substring(good.length() - 2)));
        }
        cases.add(Arguments.of("five-part JWE with our own public key", Target.ASYMMETRIC, jwe()));
        cases.add(Arguments.of("cty JWT nesting", Target.HMAC, jws("{\"alg\":\"HS256\",\"kid\":\"" + Forge.hmacKid()
                + "\",\"typ\":\"at+jwt\",\"cty\":\"JWT\"}", good, hmac(SECRET))));
        cases.add(Arguments.of("wrong typ", Target.HMAC, jws("{\"alg\":\"HS256\",\"kid\":\"" + Forge.hmacKid()
                + "\",\"typ\":\"JWT\"}", claims(), hmac(SECRET))));
        cases.add(Arguments.of("revoked jti", Target.HMAC, good));
        return cases.stream();
    }

    static FilterFixture fixture(Target target) throws Exception {
        FilterFixture f = new FilterFixture();
        switch (target) {
            case ASYMMETRIC:
                return f.sharedVerifier(Keys.fromJwkSet(asymmetricSet()), Optional.empty(), new RevocationList(FilterFixture.CLOCK)).init();
            case HMAC_WITH_AUDIENCE:
                return f.sharedVerifier(Keys.hmac(SECRET), Optional.of("orders"), new RevocationList(FilterFixture.CLOCK)).init();
            default:
                return f.sharedVerifier(Keys.hmac(SECRET), Optional.empty(), REVOKED).init();
        }
    }

    static void assertRefused(ServletMocks.Response response, FilterFixture f, String token) {
        assertEquals(401, response.status);
        assertNull(f.passed.get(), "the request was passed on");
        assertEquals("Bearer error=\"invalid_token\"", response.header("WWW-Authenticate").substring(0, 28));
        String body = response.body();
        assertTrue(body.startsWith("{\"error\":\"invalid_token\",\"error_description\":"), body);
        assertFalse(body.contains(token.substring(0, Math.min(20, token.length()))) && token.length() >= 20, body);
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("jose4j"), body);
    }

    @ParameterizedTest(name = "{0} in the Authorization header")
    @MethodSource("catalogue")
    void refusesInTheAuthorizationHeader(String name, Target target, String token) throws Exception {
        FilterFixture f = fixture(target);
        long started = System.nanoTime();
        ServletMocks.Response response = f.run(new ServletMocks.Request("GET", "/orders")
                .header("Accept", "application/json").header("Authorization", "Bearer " + token));
        long micros = (System.nanoTime() - started) / 1000;
        assertRefused(response, f, token);
        assertTrue(micros < 1_000_000, name + " took " + micros + " µs");
    }

    @ParameterizedTest(name = "{0} in the cookie")
    @MethodSource("catalogue")
    void refusesInTheCookie(String name, Target target, String token) throws Exception {
        FilterFixture f = fixture(target);
        ServletMocks.Response response = f.run(new ServletMocks.Request("GET", "/orders")
                .header("Accept", "application/json").cookie("holdfast_token", token));
        assertRefused(response, f, token);
    }

    @Test
    void theSameTokensPassWhenValidSoTheCatalogueProvesSomething() throws Exception {
        FilterFixture f = fixture(Target.HMAC_WITH_AUDIENCE);
        f.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer "
                + withClaims("\"jti\"", "\"aud\":\"orders\",\"jti\"")));
        assertTrue(f.passed.get() != null);
        FilterFixture a = fixture(Target.ASYMMETRIC);
        org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
        jws.setPayload(claims());
        jws.setAlgorithmHeaderValue("RS256");
        jws.setKeyIdHeaderValue(rsaKid());
        jws.setHeader("typ", "at+jwt");
        jws.setKey(Forge.rsa().getPrivateKey());
        a.run(new ServletMocks.Request("GET", "/orders").header("Authorization", "Bearer " + jws.getCompactSerialization()));
        assertTrue(a.passed.get() != null);
    }

    @Test
    void hmacSecretUnder32BytesStopsTheFilterAtDeploy() {
        FilterFixture f = new FilterFixture();
        f.contextParams.put("holdfast.jwt.secret", "too-short-secret");
        ServletException e = assertThrows(ServletException.class, f::init);
        assertEquals("holdfast: filter [holdfast] cannot start: 1 problem(s) in its settings, logged above", e.getMessage());
    }
}
