package dev.holdfast.token;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.keys.EllipticCurves;

/** Builds tokens by hand, byte for byte, so tests can forge what no library would produce. */
public final class Forge {

    public static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    public static final long T = NOW.getEpochSecond();
    public static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static RsaJsonWebKey rsa;
    private static EllipticCurveJsonWebKey ec;
    private static OctetKeyPairJsonWebKey ed;
    private static RsaJsonWebKey attackerRsa;

    private Forge() {
    }

    public static synchronized RsaJsonWebKey rsa() {
        if (rsa == null) {
            rsa = generateRsa();
        }
        return rsa;
    }

    public static synchronized RsaJsonWebKey attackerRsa() {
        if (attackerRsa == null) {
            attackerRsa = generateRsa();
        }
        return attackerRsa;
    }

    public static synchronized EllipticCurveJsonWebKey ec() {
        if (ec == null) {
            try {
                ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return ec;
    }

    public static synchronized OctetKeyPairJsonWebKey ed() {
        if (ed == null) {
            try {
                ed = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return ed;
    }

    private static RsaJsonWebKey generateRsa() {
        try {
            return RsaJwkGenerator.generateJwk(2048);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWK Set with private keys, in this order; the first signs. */
    public static String privateSet(JsonWebKey... keys) {
        return new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** header.payload.signature with {@code signer} over the ASCII signing input. */
    public static String jws(String headerJson, String payloadJson, Function<byte[], byte[]> signer) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        return input + "." + b64(signer.apply(input.getBytes(StandardCharsets.US_ASCII)));
    }

    public static Function<byte[], byte[]> hmac(byte[] key) {
        return input -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(input);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    public static Function<byte[], byte[]> jca(String algorithm, PrivateKey key) {
        return input -> {
            try {
                Signature s = Signature.getInstance(algorithm);
                s.initSign(key);
                s.update(input);
                return s.sign();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    public static Function<byte[], byte[]> fixed(byte[] signature) {
        return input -> signature;
    }

    /** The HMAC key id {@link Keys#hmac(byte[])} gives {@link #SECRET}. */
    public static String hmacKid() {
        return Keys.hmac(SECRET).signing().kid;
    }

    public static String header(String alg, String kid) {
        return "{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\"}";
    }

    public static String hsHeader() {
        return header("HS256", hmacKid());
    }

    /** Good claims for issuer holdfast, no audience, issued now, valid ten minutes. */
    public static String claims() {
        return claims("\"exp\":" + (T + 600));
    }

    /** Good claims with {@code exp} replaced by {@code expMember} (which may be empty to omit it). */
    public static String claims(String expMember) {
        return "{\"iss\":\"holdfast\",\"sub\":\"alice\",\"uid\":\"42\",\"roles\":[\"user\"],\"iat\":" + T
                + (expMember.isEmpty() ? "" : "," + expMember) + ",\"jti\":\"jti-1\",\"tier\":\"database\"}";
    }

    /** A correctly MAC'd HS256 token with our key over {@code payload}. */
    public static String hs(String payload) {
        return jws(hsHeader(), payload, hmac(SECRET));
    }
}
