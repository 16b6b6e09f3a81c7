package dev.holdfast.token;

import dev.holdfast.config.UrlCredentials;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.http.Get;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.lang.HashUtil;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * The keys tokens are signed and verified with. Immutable and shared by all threads.
 *
 * <p>Three sources, matching the settings {@code jwt.secret}, {@code jwt.keys} and {@code jwt.jwksUrl}:
 * <ul>
 *   <li>{@link #hmac(byte[])}: one shared secret; signs and verifies HS256 only. There is deliberately no
 *       algorithm setting: the verifier permits exactly the algorithm the key signs with, so a token can
 *       never choose its own algorithm. {@link #hmac(byte[], String)} offers HS384/HS512 for callers that
 *       need them, with a secret at least as long as the hash.</li>
 *   <li>{@link #fromJwkSet(String)}: private RSA (at least 2048 bits, RS256), EC P-256 (ES256) and Ed25519
 *       (EdDSA, needs Java 15 or later at run time) keys. The first key signs, every key verifies, which
 *       is how keys are rotated. Each key verifies only under its own algorithm.</li>
 *   <li>{@link #remote(URI)}: verify only, with the public keys published by another node; one cached
 *       jose4j {@link HttpsJwks} that keeps the last good keys while the URL is unreachable.</li>
 * </ul>
 *
 * <p>A token names its key with {@code kid}. A token without {@code kid} (as other issuers often send for a
 * shared HMAC secret or their one public key) is verified only when exactly one key fits its {@code alg}; with
 * several candidates it is refused, and {@code jwt.requireKid} refuses it always. The verifier never tries
 * several keys in turn.
 */
public final class Keys {

    /** Shortest HMAC secret accepted, in bytes: the output size of SHA-256 (RFC 7518 §3.2). */
    public static final int MIN_HMAC_SECRET_BYTES = 32;

    /** How long a verify-only node keeps its last good public keys while the JWKS URL fails. */
    static final long RETAIN_REMOTE_KEYS_ON_ERROR_SECONDS = 24 * 60 * 60;
    /** An unknown {@code kid} refreshes the remote keys at most this often (jose4j's reprieve threshold). */
    static final long REMOTE_REFRESH_AT_MOST_EVERY_MILLIS = 1_000;
    static final int REMOTE_TIMEOUT_MILLIS = 2_000;
    /** Algorithms a verify-only node accepts: the asymmetric ones Holdfast signs with. */
    static final Set<String> REMOTE_ALGORITHMS = Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(
            AlgorithmIdentifiers.RSA_USING_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.EDDSA)));

    private static final Map<String, Integer> HMAC_MIN_BYTES = Map.of(
            AlgorithmIdentifiers.HMAC_SHA256, 32,
            AlgorithmIdentifiers.HMAC_SHA384, 48,
            AlgorithmIdentifiers.HMAC_SHA512, 64);

    /** One key this node verifies with: its algorithm is fixed by the key, never by the token. */
    static final class VerificationKey {
        private static final ProviderContext PROVIDERS = new ProviderContext();

        final String kid;
        final String algorithm;
        final Key key;
        /** The length every signature under this key has, so a wrong one is refused before any crypto. */
        final int signatureLength;
        /** The JCA name of the MAC for HMAC keys ({@code HmacSHA256}), else null. */
        final String macAlgorithm;
        /** Initialised MACs for HMAC keys (cloned from one prototype, reused), else null. */
        private final ObjectPool<Mac> macs;
        /** jose4j's verifier for asymmetric keys (ECDSA's JOSE-to-DER form and r, s checks included), else null. */
        private final JsonWebSignatureAlgorithm jwsAlgorithm;

        VerificationKey(String kid, String algorithm, Key key) {
            this.kid = kid;
            this.algorithm = algorithm;
            this.key = key;
            this.signatureLength = signatureLength(algorithm, key);
            this.macAlgorithm = HMAC_MIN_BYTES.containsKey(algorithm) ? "HmacSHA" + algorithm.substring(2) : null;
            if (macAlgorithm != null) {
                Mac prototype = newMac(macAlgorithm, key);
                this.macs = new ObjectPool<>(() -> copy(prototype, macAlgorithm, key));
                this.jwsAlgorithm = null;
            } else {
                this.macs = null;
                try {
                    this.jwsAlgorithm = AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(algorithm);
                } catch (InvalidAlgorithmException e) {
                    throw new IllegalStateException(algorithm + " is not available on this JVM", e);
                }
            }
        }

        /**
         * Whether {@code signature[sigAt, sigAt + signatureLength)} is this key's signature of {@code input[0, inputLength)}.
         * An HMAC is compared in constant time; {@code macOut} holds at least 64 bytes.
         */
        boolean verifies(byte[] input, int inputLength, byte[] signature, int sigAt, byte[] macOut) {
            if (macs != null) {
                Mac mac = macs.take();
                int length;
                try {
                    mac.update(input, 0, inputLength);
                    length = mac.getMacLength();
                    mac.doFinal(macOut, 0);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(macAlgorithm + " failed", e); // a 64-byte buffer is never short
                }
                macs.give(mac);
                int diff = length ^ signatureLength;
                for (int i = 0; i < signatureLength; i++) {
                    diff |= macOut[i] ^ signature[sigAt + i];
                }
                return diff == 0;
            }
            try {
                return jwsAlgorithm.verifySignature(Arrays.copyOfRange(signature, sigAt, sigAt + signatureLength), key,
                        Arrays.copyOf(input, inputLength), PROVIDERS);
            } catch (JoseException e) {
                return false;
            }
        }

        /** For remote keys: jose4j's rules for a verification key (RSA at least 2048 bits, the right curve). */
        boolean isUsable() {
            if (jwsAlgorithm == null) {
                return true;
            }
            try {
                jwsAlgorithm.validateVerificationKey(key);
                return true;
            } catch (org.jose4j.lang.InvalidKeyException e) {
                return false;
            }
        }

        private static Mac newMac(String algorithm, Key key) {
            try {
                Mac mac = Mac.getInstance(algorithm);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(algorithm + " is missing from this JVM", e);
            }
        }

        private static Mac copy(Mac prototype, String algorithm, Key key) {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                return newMac(algorithm, key);
            }
        }

        private static int signatureLength(String algorithm, Key key) {
            Integer hmac = HMAC_MIN_BYTES.get(algorithm); // an HMAC's output is as long as its minimum key
            if (hmac != null) {
                return hmac;
            }
            switch (algorithm) {
                case AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256:
                case AlgorithmIdentifiers.EDDSA:
                    return 64;
                case AlgorithmIdentifiers.RSA_USING_SHA256:
                    return (((RSAKey) key).getModulus().bitLength() + 7) / 8;
                default:
                    throw new IllegalStateException("no signature length known for " + algorithm);
            }
        }
    }

    /** Why no key could be found for a token: the rejection to report. */
    static final class Unresolved extends Exception {
        private static final long serialVersionUID = 1L;
        final Rejection rejection;

        Unresolved(Rejection rejection) {
            super(rejection.description(), null, false, false);
            this.rejection = rejection;
        }
    }

    private final Map<String, VerificationKey> byKid;
    /** For tokens without kid: per algorithm, the one key that fits it (algorithms with several keys are absent). */
    private final Map<String, VerificationKey> soleKeyByAlgorithm;
    private final HttpsJwks remoteJwks;              // null unless remote
    private final Set<String> algorithms;
    private final VerificationKey signing;          // null when verify-only
    private final byte[] derivationMaterial;         // null when verify-only
    private final String publicJwkSetJson;           // null for HMAC and remote
    private final VerificationKeyResolver resolver;  // remote only: jose4j's cached HttpsJwks lookup
    private final String description;

    private Keys(Map<String, VerificationKey> byKid, Set<String> algorithms, VerificationKey signing,
                 byte[] derivationMaterial, String publicJwkSetJson,
                 VerificationKeyResolver resolver, String description) {
        this(byKid, algorithms, signing, derivationMaterial, publicJwkSetJson, resolver, description, null);
    }

    private Keys(Map<String, VerificationKey> byKid, Set<String> algorithms, VerificationKey signing,
                 byte[] derivationMaterial, String publicJwkSetJson,
                 VerificationKeyResolver resolver, String description, HttpsJwks remoteJwks) {
        this.byKid = byKid;
        this.soleKeyByAlgorithm = soleKeys(byKid);
        this.remoteJwks = remoteJwks;
        this.algorithms = algorithms;
        this.signing = signing;
        this.derivationMaterial = derivationMaterial;
        this.publicJwkSetJson = publicJwkSetJson;
        this.resolver = resolver;
        this.description = description;
    }

    /** An HMAC secret of at least {@value #MIN_HMAC_SECRET_BYTES} bytes; signs and verifies HS256 only. */
    public static Keys hmac(byte[] secret) {
        return hmac(secret, AlgorithmIdentifiers.HMAC_SHA256);
    }

    /** An HMAC secret for HS256, HS384 or HS512; the secret must be at least as long as the hash. */
    public static Keys hmac(byte[] secret, String algorithm) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(algorithm, "algorithm");
        Integer minBytes = HMAC_MIN_BYTES.get(algorithm);
        if (minBytes == null) {
            throw new IllegalArgumentException("algorithm [" + algorithm + "] is not HS256, HS384 or HS512");
        }
        if (secret.length < minBytes) {
            throw new IllegalArgumentException("secret is " + secret.length + " bytes; " + algorithm
                    + " needs at least " + minBytes + " bytes");
        }
        byte[] copy = secret.clone();
        // The kid names the secret without revealing anything about it: a MAC of a fixed label.
        String kid = base64url(Arrays.copyOf(hmacSha256(copy, "holdfast key id".getBytes(StandardCharsets.US_ASCII)), 12));
        VerificationKey key = new VerificationKey(kid, algorithm, new HmacKey(copy));
        return new Keys(Map.of(kid, key), Set.of(algorithm), key, copy, null,
                null, "HMAC secret (" + algorithm + ")");
    }

    /**
     * A JWK Set of private keys: RSA of at least 2048 bits, EC P-256 or Ed25519. The first key signs,
     * all verify. A key without {@code kid} gets its RFC 7638 thumbprint. Symmetric and public-only keys
     * are refused (a secret belongs in {@code jwt.secret}; a public key cannot sign).
     */
    public static Keys fromJwkSet(String json) {
        Objects.requireNonNull(json, "json");
        JsonWebKeySet set;
        try {
            set = new JsonWebKeySet(json);
        } catch (JoseException e) {
            throw new IllegalArgumentException("json is not a JWK Set: " + e.getClass().getSimpleName(), e);
        }
        List<JsonWebKey> jwks = set.getJsonWebKeys();
        if (jwks.isEmpty()) {
            throw new IllegalArgumentException("json is a JWK Set without any key");
        }
        Map<String, VerificationKey> byKid = new LinkedHashMap<>();
        List<JsonWebKey> published = new ArrayList<>();
        for (int i = 0; i < jwks.size(); i++) {
            JsonWebKey jwk = jwks.get(i);
            String where = "key #" + (i + 1);
            if (!(jwk instanceof PublicJsonWebKey)) {
                throw new IllegalArgumentException(where + " is a symmetric (" + jwk.getKeyType()
                        + ") key; put an HMAC secret in jwt.secret, and only RSA, EC P-256 or Ed25519 private keys in jwt.keys");
            }
            PublicJsonWebKey pjwk = (PublicJsonWebKey) jwk;
            PrivateKey privateKey = pjwk.getPrivateKey();
            if (privateKey == null) {
                throw new IllegalArgumentException(where + " is a public key only; jwt.keys needs the private keys (it signs)");
            }
            String algorithm = algorithmFor(pjwk, where);
            if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(algorithm)) {
                throw new IllegalArgumentException(where + " declares alg [" + jwk.getAlgorithm()
                        + "]; Holdfast uses " + algorithm + " for this key type");
            }
            if (jwk.getUse() != null && !"sig".equals(jwk.getUse())) {
                throw new IllegalArgumentException(where + " declares use [" + jwk.getUse() + "]; signing keys need use [sig] or none");
            }
            String kid = jwk.getKeyId();
            if (kid == null || kid.isEmpty()) {
                kid = jwk.calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
            }
            if (kid.length() > TokenVerifier.MAX_KID_CHARS) {
                throw new IllegalArgumentException(where + " has a kid of " + kid.length() + " characters; at most "
                        + TokenVerifier.MAX_KID_CHARS + " are accepted");
            }
            if (byKid.containsKey(kid)) {
                throw new IllegalArgumentException(where + " repeats kid [" + kid + "]; every key needs its own kid");
            }
            checkPair(pjwk, algorithm, where);
            byKid.put(kid, new VerificationKey(kid, algorithm, pjwk.getPublicKey()));
            published.add(publicCopy(pjwk, kid, algorithm));
        }
        PublicJsonWebKey first = (PublicJsonWebKey) jwks.get(0);
        String firstKid = byKid.keySet().iterator().next();
        VerificationKey signing = new VerificationKey(firstKid, byKid.get(firstKid).algorithm, first.getPrivateKey());
        byte[] material = first.getPrivateKey().getEncoded();
        if (material == null) {
            throw new IllegalArgumentException("key #1 cannot be exported for key derivation");
        }
        Map<String, VerificationKey> frozen = Collections.unmodifiableMap(byKid);
        Set<String> algorithms = new LinkedHashSet<>();
        frozen.values().forEach(k -> algorithms.add(k.algorithm));
        String publicJson = new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        return new Keys(frozen, Collections.unmodifiableSet(algorithms), signing, material, publicJson,
                null, "JWK Set (" + frozen.size() + " keys, signing kid " + firstKid + ")");
    }

    /**
     * Verify-only keys fetched from another node's {@code /.well-known/jwks.json}: https, or http on a loopback
     * address. Cached by one shared {@link HttpsJwks}; an unknown {@code kid} refreshes at most every
     * {@value #REMOTE_REFRESH_AT_MOST_EVERY_MILLIS} ms; the last good keys are kept for a day while the URL fails.
     */
    public static Keys remote(URI jwksUrl) {
        Objects.requireNonNull(jwksUrl, "jwksUrl");
        String scheme = jwksUrl.getScheme() == null ? "" : jwksUrl.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = "localhost".equalsIgnoreCase(jwksUrl.getHost())
                || "127.0.0.1".equals(jwksUrl.getHost()) || "[::1]".equals(jwksUrl.getHost());
        if (!("https".equals(scheme) || ("http".equals(scheme) && loopback))) {
            throw new IllegalArgumentException("jwksUrl [" + UrlCredentials.mask(jwksUrl) + "] must be https (http only on localhost)");
        }
        HttpsJwks httpsJwks = new HttpsJwks(jwksUrl.toString());
        Get get = new Get();
        get.setConnectTimeout(REMOTE_TIMEOUT_MILLIS);
        get.setReadTimeout(REMOTE_TIMEOUT_MILLIS);
        get.setResponseBodySizeLimit(256 * 1024);
        httpsJwks.setSimpleHttpGet(get);
        httpsJwks.setRetainCacheOnErrorDuration(RETAIN_REMOTE_KEYS_ON_ERROR_SECONDS);
        httpsJwks.setRefreshReprieveThreshold(REMOTE_REFRESH_AT_MOST_EVERY_MILLIS);
        VerificationKeyResolver remote = new HttpsJwksVerificationKeyResolver(httpsJwks) {
            @Override
            protected JsonWebKey select(JsonWebSignature jws, List<JsonWebKey> keys) throws JoseException {
                // jose4j picks by kid and key type; a key that names its algorithm is used only under it
                JsonWebKey chosen = super.select(jws, keys);
                if (chosen != null && chosen.getAlgorithm() != null
                        && !chosen.getAlgorithm().equals(jws.getAlgorithmHeaderValue())) {
                    return null;
                }
                return chosen;
            }
        };
        return new Keys(Map.of(), REMOTE_ALGORITHMS, null, null, null, remote,
                "remote JWK Set " + UrlCredentials.mask(jwksUrl), httpsJwks);
    }

    /** The public keys as a JWK Set ({@code kid}, {@code kty}, {@code alg}, {@code use: sig}); empty for HMAC and remote keys. */
    public Optional<String> publicJwkSetJson() {
        return Optional.ofNullable(publicJwkSetJson);
    }

    /** Whether this node can issue tokens (false for {@link #remote(URI)}). */
    public boolean canSign() {
        return signing != null;
    }

    /**
     * A 32-byte key for {@code purpose}, derived with HKDF-SHA256 (RFC 5869) from the HMAC secret or the
     * signing private key, so other parts need no secret of their own. Changes when the signing key changes.
     *
     * @throws IllegalStateException for verify-only keys, which hold no secret
     */
    public byte[] deriveSubkey(String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        if (derivationMaterial == null) {
            throw new IllegalStateException("verify-only keys (" + description + ") hold no secret to derive [" + purpose + "] from");
        }
        byte[] prk = hmacSha256("holdfast hkdf salt v1".getBytes(StandardCharsets.US_ASCII), derivationMaterial);
        byte[] info = purpose.getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[info.length + 1];
        System.arraycopy(info, 0, block, 0, info.length);
        block[info.length] = 1;
        return hmacSha256(prk, block);
    }

    @Override
    public String toString() {
        return description;
    }

    // --- for TokenIssuer and TokenVerifier ---

    Set<String> algorithms() {
        return algorithms;
    }

    /** The signing key, its kid and algorithm; only when {@link #canSign()}. */
    VerificationKey signing() {
        if (signing == null) {
            throw new IllegalStateException("keys (" + description + ") are verify-only");
        }
        return signing;
    }

    /** The kid of every key, in order: what another issuer puts in its tokens to name one of ours. */
    Set<String> kids() {
        return byKid.keySet();
    }

    /**
     * The key for a token's {@code kid} (null: the token names none) and {@code alg}. Local keys: the key of that
     * kid, or without kid the only key of that algorithm. Remote keys: looked up in the fetched JWK Set (an unknown
     * kid refetches it, at most once a second), or without kid the only key in it that fits the algorithm.
     * The caller checks that the key's algorithm is the token's.
     */
    VerificationKey resolve(String kid, String alg) throws Unresolved {
        if (remoteJwks == null) {
            VerificationKey key = kid == null ? soleKeyByAlgorithm.get(alg) : byKid.get(kid);
            if (key == null) {
                throw new Unresolved(Rejection.UNKNOWN_KEY);
            }
            return key;
        }
        Key found;
        if (kid != null) {
            JsonWebSignature named = new JsonWebSignature();
            named.setAlgorithmHeaderValue(alg);
            named.setKeyIdHeaderValue(kid);
            try {
                found = resolver.resolveKey(named, List.of());
            } catch (UnresolvableKeyException e) {
                throw new Unresolved(hasIoCause(e) ? Rejection.KEYS_UNAVAILABLE : Rejection.UNKNOWN_KEY);
            }
        } else {
            found = soleRemoteKey(alg);
        }
        VerificationKey key = new VerificationKey(kid, alg, found);
        if (!key.isUsable()) {
            throw new Unresolved(Rejection.UNKNOWN_KEY);
        }
        return key;
    }

    /**
     * Identifies the key set tokens are verified under: the same object as long as no key was added, removed or
     * replaced. Local keys never change; a remote JWK Set changes with each fetch that returns keys.
     */
    Object generation() {
        if (remoteJwks == null) {
            return this;
        }
        try {
            return remoteJwks.getJsonWebKeys();
        } catch (IOException | JoseException e) {
            return new Object(); // matches nothing: every cached token is verified again, and refused if it must be
        }
    }

    private Key soleRemoteKey(String alg) throws Unresolved {
        List<JsonWebKey> published;
        try {
            published = remoteJwks.getJsonWebKeys();
        } catch (IOException e) {
            throw new Unresolved(Rejection.KEYS_UNAVAILABLE);
        } catch (JoseException e) {
            throw new Unresolved(Rejection.UNKNOWN_KEY);
        }
        Key only = null;
        for (JsonWebKey jwk : published) {
            if (fits(jwk, alg)) {
                if (only != null) {
                    throw new Unresolved(Rejection.UNKNOWN_KEY); // several candidates: the token must say which
                }
                only = ((PublicJsonWebKey) jwk).getPublicKey();
            }
        }
        if (only == null) {
            throw new Unresolved(Rejection.UNKNOWN_KEY);
        }
        return only;
    }

    /** Whether a published key can verify {@code alg}: its type and curve, and its own alg and use if it names them. */
    private static boolean fits(JsonWebKey jwk, String alg) {
        if ((jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(alg)) || (jwk.getUse() != null && !"sig".equals(jwk.getUse()))) {
            return false;
        }
        switch (alg) {
            case AlgorithmIdentifiers.RSA_USING_SHA256:
                return jwk instanceof RsaJsonWebKey;
            case AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256:
                return jwk instanceof EllipticCurveJsonWebKey
                        && EllipticCurves.P_256.equals(((EllipticCurveJsonWebKey) jwk).getCurveName());
            case AlgorithmIdentifiers.EDDSA:
                return jwk instanceof OctetKeyPairJsonWebKey
                        && OctetKeyPairJsonWebKey.SUBTYPE_ED25519.equals(((OctetKeyPairJsonWebKey) jwk).getSubtype());
            default:
                return false;
        }
    }

    private static boolean hasIoCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, VerificationKey> soleKeys(Map<String, VerificationKey> byKid) {
        Map<String, VerificationKey> sole = new LinkedHashMap<>();
        Set<String> several = new LinkedHashSet<>();
        for (VerificationKey key : byKid.values()) {
            if (sole.putIfAbsent(key.algorithm, key) != null) {
                several.add(key.algorithm);
            }
        }
        sole.keySet().removeAll(several);
        return Collections.unmodifiableMap(sole);
    }

    private static String algorithmFor(PublicJsonWebKey jwk, String where) {
        if (jwk instanceof RsaJsonWebKey) {
            int bits = ((RSAPublicKey) jwk.getPublicKey()).getModulus().bitLength();
            if (bits < 2048) {
                throw new IllegalArgumentException(where + " is a " + bits + "-bit RSA key; at least 2048 bits are required");
            }
            return AlgorithmIdentifiers.RSA_USING_SHA256;
        }
        if (jwk instanceof EllipticCurveJsonWebKey) {
            String curve = ((EllipticCurveJsonWebKey) jwk).getCurveName();
            if (!EllipticCurves.P_256.equals(curve)) {
                throw new IllegalArgumentException(where + " is an EC key on " + curve + "; only P-256 (ES256) is supported");
            }
            return AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
        }
        if (jwk instanceof OctetKeyPairJsonWebKey) {
            String subtype = ((OctetKeyPairJsonWebKey) jwk).getSubtype();
            if (!OctetKeyPairJsonWebKey.SUBTYPE_ED25519.equals(subtype)) {
                throw new IllegalArgumentException(where + " is an OKP key on " + subtype + "; only Ed25519 is supported");
            }
            return AlgorithmIdentifiers.EDDSA;
        }
        throw new IllegalArgumentException(where + " has unsupported key type [" + jwk.getKeyType() + "]");
    }

    /** Signs and verifies once, so a private key that does not match its public half fails at deploy, not per login. */
    private static void checkPair(PublicJsonWebKey jwk, String algorithm, String where) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("holdfast key check");
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setKey(jwk.getPrivateKey());
        boolean verified;
        try {
            String compact = jws.getCompactSerialization();
            JsonWebSignature check = new JsonWebSignature();
            check.setCompactSerialization(compact);
            check.setKey(jwk.getPublicKey());
            verified = check.verifySignature();
        } catch (JoseException e) {
            throw new IllegalArgumentException(where + " cannot sign with " + algorithm + " on this JVM ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (!verified) {
            throw new IllegalArgumentException(where + " has a private key that does not match its public key");
        }
    }

    private static JsonWebKey publicCopy(PublicJsonWebKey jwk, String kid, String algorithm) {
        try {
            PublicJsonWebKey copy = PublicJsonWebKey.Factory.newPublicJwk(jwk.getPublicKey());
            copy.setKeyId(kid);
            copy.setAlgorithm(algorithm);
            copy.setUse("sig");
            return copy;
        } catch (JoseException e) {
            throw new IllegalArgumentException("kid [" + kid + "] has a public key that cannot be published", e);
        }
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    static String base64url(byte[] bytes) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
