package dev.holdfast.token;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies access tokens. Built once, shared by all threads.
 *
 * <p>A token is read once, in this order, and refused at the first problem: size (at most
 * {@value #MAX_TOKEN_CHARS} characters), exactly three parts in the strict base64url alphabet (canonical, no
 * padding), each decoded once; a small header (at most {@value #MAX_HEADER_CHARS} characters, one JSON object
 * without duplicate names) holding only {@code alg}, {@code kid} and {@code typ} (so {@code jwk}, {@code jku},
 * {@code x5u}, {@code x5c}, {@code cty}, {@code crit} are refused); an algorithm from the permit list that
 * matches the key; {@code typ} {@code at+jwt}; the nesting depth of the claims (at most {@value #MAX_JSON_DEPTH});
 * the key named by {@code kid} (or, without {@code kid} and unless {@code jwt.requireKid}, the only key of that
 * algorithm); the signature length, then the signature itself (an HMAC in constant time with a reused
 * {@code Mac}; asymmetric ones with jose4j's algorithm). Only a token whose signature verifies has its claims
 * parsed (Jackson's streaming parser; duplicate names refused).
 *
 * <p>Claims, against the injected {@link Clock}: {@code exp} is required and in the future (with skew) and no
 * further ahead than {@code maxTtl} plus skew, {@code iat} is required and not in the future beyond skew,
 * {@code exp - iat} is at most {@code maxTtl}, {@code nbf} (optional) has passed. {@code sub} and {@code jti}
 * are required, {@code iss} must equal the issuer, {@code aud} must contain the audience when one is set and be
 * absent otherwise. When a token breaks several rules, the reported one follows a fixed priority (malformed
 * claim, issuer, audience, missing claim, expired, lifetime, issued in the future, not yet valid).
 *
 * <p>With a cache ({@code jwt.cache.maxEntries} above 0), a token verified once is answered from
 * {@link VerifiedTokenCache} until {@code exp} plus skew, as long as its {@code jti} is not revoked (asked on
 * every use) and the key set is unchanged.
 */
public final class TokenVerifier {

    /** Longest token accepted, in characters (8 KiB). */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    /** Tokens cached when the settings say nothing ({@code jwt.cache.maxEntries}). */
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;
    /** Longest encoded header accepted; ours is about 100 characters, and 2 KiB of JSON parses in microseconds. */
    static final int MAX_HEADER_CHARS = 2048;
    static final int MAX_KID_CHARS = 128;
    /** Deepest JSON nesting accepted in the claims; ours is 2 (the roles array), deep nesting is an attack. */
    static final int MAX_JSON_DEPTH = 8;
    /** Deepest JSON nesting the parser reads at all (a header's refused {@code jwk} is an object). */
    static final int MAX_HEADER_JSON_DEPTH = 16;

    private static final ObjectPool<Scratch> SCRATCH = new ObjectPool<>(Scratch::new);

    private final Keys keys;
    private final String issuer;
    private final Optional<String> audience;
    private final double ttlSeconds;
    private final double skewSeconds;
    private final RevocationList revocations;
    private final Clock clock;
    private final boolean requireKid;
    private final VerifiedTokenCache cache; // null when turned off

    /** A verifier without a cache that accepts a token without {@code kid} when exactly one key fits its algorithm. */
    public TokenVerifier(Keys keys, String issuer, Optional<String> audience, Duration maxTtl, Duration clockSkew,
                         RevocationList revocations, Clock clock) {
        this(keys, issuer, audience, maxTtl, clockSkew, revocations, clock, false, 0);
    }

    /**
     * @param requireKid   refuse every token without {@code kid} ({@code jwt.requireKid})
     * @param cacheEntries how many verified tokens to remember; 0 turns the cache off ({@code jwt.cache.maxEntries})
     */
    public TokenVerifier(Keys keys, String issuer, Optional<String> audience, Duration maxTtl, Duration clockSkew,
                         RevocationList revocations, Clock clock, boolean requireKid, int cacheEntries) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        if (issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        this.audience = Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (maxTtl.getSeconds() < 1) {
            throw new IllegalArgumentException("maxTtl must be at least one second, was " + maxTtl);
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative, was " + clockSkew);
        }
        if (cacheEntries < 0) {
            throw new IllegalArgumentException("cacheEntries must not be negative, was " + cacheEntries);
        }
        this.ttlSeconds = maxTtl.toMillis() / 1000.0;
        this.skewSeconds = clockSkew.toMillis() / 1000.0;
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requireKid = requireKid;
        this.cache = cacheEntries == 0 ? null : new VerifiedTokenCache(cacheEntries);
    }

    /** Verifies {@code compact}; never throws for any input, however hostile. */
    public Verification verify(String compact) {
        if (compact == null || compact.isEmpty()) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        if (compact.length() > MAX_TOKEN_CHARS) {
            return Verification.rejected(Rejection.TOO_LARGE);
        }
        Scratch scratch = SCRATCH.take();
        try {
            return verify(compact, scratch);
        } finally {
            SCRATCH.give(scratch);
        }
    }

    /** Tokens held by the cache (0 when it is off). */
    int cachedTokens() {
        return cache == null ? 0 : cache.size();
    }

    private Verification verify(String compact, Scratch s) {
        int length = compact.length();
        byte[] ascii = s.ascii;
        int all = 0;
        for (int i = 0; i < length; i++) {
            char c = compact.charAt(i);
            all |= c;
            ascii[i] = (byte) c;
        }
        if (all >= 0x80) {
            return Verification.rejected(Rejection.MALFORMED); // not ASCII, so not base64url; and the copy is exact
        }
        VerifiedTokenCache.Key cacheKey = null;
        Object generation = null;
        if (cache != null) {
            cacheKey = s.digest(length);
            generation = keys.generation();
            VerifiedTokenCache.Entry entry = cache.get(cacheKey);
            if (entry != null) {
                if (clock.millis() / 1000.0 >= entry.acceptedUntil || entry.generation != generation) {
                    cache.remove(cacheKey, entry); // verified again below: refused as expired, or under the new keys
                } else if (revocations.isRevoked(entry.jti)) {
                    return Verification.rejected(Rejection.REVOKED);
                } else {
                    return entry.verification;
                }
            }
        }
        Verification verification = firstSight(s, length);
        if (cache != null && verification.isValid()) {
            VerifiedToken token = verification.token().orElseThrow();
            cache.put(cacheKey, new VerifiedTokenCache.Entry(verification, token.jti(), s.acceptedUntil, generation),
                    clock.millis() / 1000.0);
        }
        return verification;
    }

    private Verification firstSight(Scratch s, int length) {
        byte[] ascii = s.ascii;
        int dots = 0;
        int firstDot = -1;
        int secondDot = -1;
        for (int i = 0; i < length; i++) {
            byte b = ascii[i];
            if (b == '.') {
                if (++dots == 1) {
                    firstDot = i;
                } else if (dots == 2) {
                    secondDot = i;
                }
            } else if (!StrictBase64Url.isAlphabet((char) b)) {
                return Verification.rejected(Rejection.MALFORMED);
            }
        }
        if (dots == 4) {
            return Verification.rejected(Rejection.UNSUPPORTED); // JWE
        }
        if (dots != 2) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        if (firstDot > MAX_HEADER_CHARS) {
            return Verification.rejected(Rejection.TOO_LARGE);
        }
        if (firstDot == 0 || secondDot == firstDot + 1) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        byte[] decoded = s.decoded;
        int headerLength = StrictBase64Url.decode(ascii, 0, firstDot, decoded, 0);
        if (headerLength < 0 || !isStrictUtf8(decoded, 0, headerLength)) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        TokenJson.Header header;
        try {
            header = TokenJson.header(decoded, 0, headerLength);
        } catch (TokenJson.MalformedJson e) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        if (!(header.alg instanceof String) || !keys.algorithms().contains(header.alg)) {
            return Verification.rejected(Rejection.ALGORITHM_NOT_ALLOWED);
        }
        String alg = (String) header.alg;
        if (header.keyHeader) {
            return Verification.rejected(Rejection.UNTRUSTED_KEY_HEADER);
        }
        if (header.unknownHeader) {
            return Verification.rejected(Rejection.UNSUPPORTED); // cty (nesting), crit, zip, b64, ...
        }
        if (!(header.typ instanceof String) || !isAccessTokenType((String) header.typ)) {
            return Verification.rejected(Rejection.WRONG_TYPE);
        }
        String kid;
        if (header.kid == null && !requireKid) {
            kid = null; // another issuer's token: verified only if exactly one key fits alg
        } else if (header.kid instanceof String && !((String) header.kid).isEmpty() && ((String) header.kid).length() <= MAX_KID_CHARS) {
            kid = (String) header.kid;
        } else {
            return Verification.rejected(Rejection.UNKNOWN_KEY);
        }
        if (secondDot == length - 1) {
            return Verification.rejected(Rejection.BAD_SIGNATURE);
        }
        int payloadAt = headerLength;
        int payloadLength = StrictBase64Url.decode(ascii, firstDot + 1, secondDot, decoded, payloadAt);
        int signatureAt = payloadAt + Math.max(payloadLength, 0);
        int signatureLength = StrictBase64Url.decode(ascii, secondDot + 1, length, decoded, signatureAt);
        if (payloadLength < 0 || signatureLength < 0) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        // bound the claims' shape before anything else looks at them
        if (nestingDepth(decoded, payloadAt, payloadLength) > MAX_JSON_DEPTH) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        Keys.VerificationKey key;
        try {
            key = keys.resolve(kid, alg);
        } catch (Keys.Unresolved e) {
            return Verification.rejected(e.rejection);
        }
        if (!key.algorithm.equals(alg)) {
            return Verification.rejected(Rejection.ALGORITHM_NOT_ALLOWED);
        }
        if (signatureLength != key.signatureLength
                || !key.verifies(ascii, secondDot, decoded, signatureAt, s.macOut)) {
            return Verification.rejected(Rejection.BAD_SIGNATURE);
        }
        Map<String, Object> claims;
        try {
            claims = TokenJson.object(decoded, payloadAt, payloadLength);
        } catch (TokenJson.MalformedJson e) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        return accept(claims, s);
    }

    private Verification accept(Map<String, Object> claims, Scratch s) {
        Rejection rejection = firstByPriority(checkIssuer(claims), checkAudience(claims), required(claims, "sub"),
                required(claims, "jti"), checkTimes(claims));
        if (rejection != null) {
            return Verification.rejected(rejection);
        }
        String sub = (String) claims.get("sub");
        String jti = (String) claims.get("jti");
        if (sub.isBlank() || jti.isBlank()) {
            return Verification.rejected(Rejection.MISSING_CLAIM);
        }
        Object uid = claims.get("uid");
        Object tier = claims.get("tier");
        Object roles = claims.get("roles");
        if ((uid != null && !(uid instanceof String)) || (tier != null && !(tier instanceof String))) {
            return Verification.rejected(Rejection.MALFORMED_CLAIM);
        }
        Set<String> roleSet = new LinkedHashSet<>();
        if (roles != null) {
            if (!(roles instanceof List)) {
                return Verification.rejected(Rejection.MALFORMED_CLAIM);
            }
            for (Object role : (List<?>) roles) {
                if (!(role instanceof String)) {
                    return Verification.rejected(Rejection.MALFORMED_CLAIM);
                }
                roleSet.add((String) role);
            }
        }
        if (revocations.isRevoked(jti)) {
            return Verification.rejected(Rejection.REVOKED);
        }
        double exp = ((Number) claims.get("exp")).doubleValue();
        s.acceptedUntil = exp + skewSeconds;
        Instant expiresAt = Instant.ofEpochSecond((long) exp);
        Instant acceptedUntil = Instant.ofEpochMilli((long) Math.ceil(s.acceptedUntil * 1000));
        return Verification.accepted(new VerifiedToken(sub, Optional.ofNullable((String) uid), roleSet,
                Optional.ofNullable((String) tier), jti, expiresAt, acceptedUntil, claims));
    }

    /** {@code iss}: required, a string, equal to ours. */
    private Rejection checkIssuer(Map<String, Object> claims) {
        Object iss = claims.get("iss");
        if (iss == null) {
            return Rejection.WRONG_ISSUER;
        }
        if (!(iss instanceof String)) {
            return Rejection.MALFORMED_CLAIM;
        }
        return iss.equals(issuer) ? null : Rejection.WRONG_ISSUER;
    }

    /** {@code aud}: a string or an array of strings; must hold our audience when one is set, and be absent otherwise. */
    private Rejection checkAudience(Map<String, Object> claims) {
        Object aud = claims.get("aud");
        if (aud == null) {
            return audience.isPresent() ? Rejection.WRONG_AUDIENCE : null;
        }
        boolean ours = false;
        if (aud instanceof String) {
            ours = audience.isPresent() && aud.equals(audience.get());
        } else if (aud instanceof List) {
            for (Object one : (List<?>) aud) {
                if (!(one instanceof String)) {
                    return Rejection.MALFORMED_CLAIM;
                }
                ours |= audience.isPresent() && one.equals(audience.get());
            }
        } else {
            return Rejection.MALFORMED_CLAIM;
        }
        return ours ? null : Rejection.WRONG_AUDIENCE;
    }

    private static Rejection required(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (value == null) {
            return Rejection.MISSING_CLAIM;
        }
        return value instanceof String ? null : Rejection.MALFORMED_CLAIM;
    }

    /** exp, iat, nbf against the injected clock; the first problem in this order. */
    private Rejection checkTimes(Map<String, Object> claims) {
        double now = clock.millis() / 1000.0;
        Object exp = claims.get("exp");
        Object iat = claims.get("iat");
        Object nbf = claims.get("nbf");
        if (exp == null || iat == null) {
            return Rejection.MISSING_CLAIM;
        }
        if (!isFiniteNumber(exp) || !isFiniteNumber(iat) || (nbf != null && !isFiniteNumber(nbf))) {
            return Rejection.MALFORMED_CLAIM;
        }
        double expSeconds = ((Number) exp).doubleValue();
        double iatSeconds = ((Number) iat).doubleValue();
        if (now >= expSeconds + skewSeconds) {
            return Rejection.EXPIRED;
        }
        if (expSeconds - now > ttlSeconds + skewSeconds || expSeconds - iatSeconds > ttlSeconds) {
            return Rejection.LIFETIME_TOO_LONG;
        }
        if (iatSeconds > now + skewSeconds) {
            return Rejection.ISSUED_IN_FUTURE;
        }
        if (nbf != null && ((Number) nbf).doubleValue() > now + skewSeconds) {
            return Rejection.NOT_YET_VALID;
        }
        return null;
    }

    /** Claim problems in the order they are reported when a token has several. */
    private static final List<Rejection> CLAIM_PRIORITY = List.of(Rejection.MALFORMED_CLAIM, Rejection.WRONG_ISSUER,
            Rejection.WRONG_AUDIENCE, Rejection.MISSING_CLAIM, Rejection.EXPIRED, Rejection.LIFETIME_TOO_LONG,
            Rejection.ISSUED_IN_FUTURE, Rejection.NOT_YET_VALID);

    private static Rejection firstByPriority(Rejection... found) {
        Rejection first = null;
        for (Rejection r : found) {
            if (r != null && (first == null || CLAIM_PRIORITY.indexOf(r) < CLAIM_PRIORITY.indexOf(first))) {
                first = r;
            }
        }
        return first;
    }

    /** The deepest nesting of objects and arrays, ignoring brackets inside strings; one pass, no parsing. */
    static int nestingDepth(byte[] json) {
        return nestingDepth(json, 0, json.length);
    }

    private static int nestingDepth(byte[] json, int offset, int length) {
        int depth = 0;
        int deepest = 0;
        boolean inString = false;
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++; // skip the escaped character (multi-byte UTF-8 never contains '"' or '\\')
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
                deepest = Math.max(deepest, depth);
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return deepest;
    }

    /** ASCII (the usual header) passes at once; anything else must be well-formed UTF-8 (no overlong forms). */
    private static boolean isStrictUtf8(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes, offset, length));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isAccessTokenType(String typ) {
        return TokenIssuer.TYPE.equalsIgnoreCase(typ) || APPLICATION_TYPE.equalsIgnoreCase(typ);
    }

    private static final String APPLICATION_TYPE = "application/" + TokenIssuer.TYPE;

    private static boolean isFiniteNumber(Object value) {
        return value instanceof Number && Double.isFinite(((Number) value).doubleValue());
    }

    /** Per-call buffers, pooled: the token's bytes, its decoded parts, a MAC, a digest. */
    private static final class Scratch {
        final byte[] ascii = new byte[MAX_TOKEN_CHARS];
        final byte[] decoded = new byte[MAX_TOKEN_CHARS];
        final byte[] macOut = new byte[64];
        final byte[] digest = new byte[32];
        final MessageDigest sha256;
        /** Set by a successful verification: {@code exp} plus skew, in seconds. */
        double acceptedUntil;

        Scratch() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        /** The cache key: SHA-256 of all {@code length} bytes of the token. */
        VerifiedTokenCache.Key digest(int length) {
            sha256.update(ascii, 0, length);
            try {
                sha256.digest(digest, 0, digest.length);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 failed", e); // a 32-byte buffer is never short
            }
            return new VerifiedTokenCache.Key(digest);
        }
    }
}
