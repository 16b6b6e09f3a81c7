package dev.holdfast.token;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.json.JsonUtil;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.AudValidator;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.IssValidator;
import org.jose4j.jwt.consumer.JtiValidator;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwt.consumer.SubValidator;
import org.jose4j.jwt.consumer.TypeValidator;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies access tokens (JWS compact, {@code typ: at+jwt}). Built once, shared by all threads.
 *
 * <p>Cheap checks come first, before jose4j sees anything, because jose4j parses the claims JSON before it
 * checks the signature: size (at most {@value #MAX_TOKEN_CHARS} characters), exactly three parts in the strict
 * base64url alphabet (canonical, no padding), a small header holding only {@code alg}, {@code kid} and
 * {@code typ} (so {@code jwk}, {@code jku}, {@code x5u}, {@code x5c}, {@code cty}, {@code crit} are refused),
 * an algorithm from the permit list that matches the named key, the signature length for that algorithm and,
 * for HMAC, the MAC itself (constant time), and the nesting depth of the claims (at most {@value #MAX_JSON_DEPTH}),
 * because jose4j parses the claims before it checks an asymmetric signature. Only then does jose4j verify
 * again and check the claims.
 *
 * <p>jose4j's own time checks read the system clock, so they are replaced by one validator that reads the
 * injected {@link Clock}: {@code exp} is required and in the future (with skew) and no further ahead than
 * {@code maxTtl} plus skew, {@code iat} is required and not in the future beyond skew, {@code exp - iat} is at
 * most {@code maxTtl}, {@code nbf} (optional) has passed. {@code sub} and {@code jti} are required,
 * {@code iss} must equal the issuer, {@code aud} must contain the audience when one is set and be absent
 * otherwise. Errors are mapped by jose4j error code; jose4j's messages contain the token and are never used.
 */
public final class TokenVerifier {

    /** Longest token accepted, in characters: 8 KiB; {@link TokenIssuer} refuses to sign a longer one. */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    /** Longest encoded header accepted; ours is about 100 characters, and 2 KiB of JSON parses in microseconds. */
    static final int MAX_HEADER_CHARS = 2048;
    static final int MAX_KID_CHARS = 128;
    /** Deepest JSON nesting accepted in the claims; ours is 2 (the roles array), deep nesting is an attack. */
    static final int MAX_JSON_DEPTH = 8;

    private static final Set<String> KEY_HEADERS = Set.of("jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256");
    private static final Set<String> KNOWN_HEADERS = Set.of("alg", "kid", "typ");
    private static final int CUSTOM_LIFETIME_TOO_LONG = 1001;
    /** jose4j error codes in priority order: signature and shape before claims. */
    private static final Map<Integer, Rejection> BY_ERROR_CODE = byErrorCode();

    private final Keys keys;
    private final Duration maxTtl;
    private final Duration clockSkew;
    private final RevocationList revocations;
    private final Clock clock;
    private final JwtConsumer consumer;

    public TokenVerifier(Keys keys, String issuer, Optional<String> audience, Duration maxTtl, Duration clockSkew,
                         RevocationList revocations, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(issuer, "issuer");
        if (issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        Objects.requireNonNull(audience, "audience");
        this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        if (maxTtl.getSeconds() < 1) {
            throw new IllegalArgumentException("maxTtl must be at least one second, was " + maxTtl);
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative, was " + clockSkew);
        }
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.clock = Objects.requireNonNull(clock, "clock");
        String[] permitted = keys.algorithms().toArray(new String[0]);
        this.consumer = new JwtConsumerBuilder()
                // replaces jose4j's default block on "none": exactly the configured algorithms
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(ConstraintType.PERMIT, permitted))
                .setJweAlgorithmConstraints(new AlgorithmConstraints(ConstraintType.PERMIT))
                .setJweContentEncryptionAlgorithmConstraints(new AlgorithmConstraints(ConstraintType.PERMIT))
                .setVerificationKeyResolver(keys.resolver())
                // jose4j's default validators read the system clock; these are the same rules on our Clock
                .setSkipAllDefaultValidators()
                .registerValidator(new TypeValidator(true, TokenIssuer.TYPE))
                .registerValidator(new IssValidator(issuer, true))
                .registerValidator(new AudValidator(audience.map(Set::of).orElse(Set.of()), audience.isPresent()))
                .registerValidator(new SubValidator(true))
                .registerValidator(new JtiValidator(true))
                .registerValidator(this::checkTimes)
                .build();
    }

    /** Verifies {@code compact}; never throws for any input, however hostile. */
    public Verification verify(String compact) {
        if (compact == null || compact.isEmpty()) {
            return Verification.rejected(Rejection.MALFORMED);
        }
        if (compact.length() > MAX_TOKEN_CHARS) {
            return Verification.rejected(Rejection.TOO_LARGE);
        }
        Optional<Rejection> shape = checkShape(compact);
        if (shape.isPresent()) {
            return Verification.rejected(shape.get());
        }
        JwtContext context;
        try {
            context = consumer.process(compact);
        } catch (InvalidJwtException e) {
            return Verification.rejected(map(e));
        }
        return accept(context.getJwtClaims());
    }

    private Optional<Rejection> checkShape(String compact) {
        int firstDot = -1;
        int secondDot = -1;
        int dots = 0;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            if (c == '.') {
                dots++;
                if (dots == 1) {
                    firstDot = i;
                } else if (dots == 2) {
                    secondDot = i;
                }
            } else if (!isBase64url(c)) {
                return Optional.of(Rejection.MALFORMED);
            }
        }
        if (dots == 4) {
            return Optional.of(Rejection.UNSUPPORTED); // JWE
        }
        if (dots != 2) {
            return Optional.of(Rejection.MALFORMED);
        }
        String headerPart = compact.substring(0, firstDot);
        String payloadPart = compact.substring(firstDot + 1, secondDot);
        String signaturePart = compact.substring(secondDot + 1);
        if (headerPart.length() > MAX_HEADER_CHARS) {
            return Optional.of(Rejection.TOO_LARGE);
        }
        if (headerPart.isEmpty() || payloadPart.isEmpty()) {
            return Optional.of(Rejection.MALFORMED);
        }
        Optional<byte[]> headerBytes = decodeCanonical(headerPart);
        if (headerBytes.isEmpty()) {
            return Optional.of(Rejection.MALFORMED);
        }
        Map<String, Object> header;
        try {
            String json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes.get())).toString();
            header = JsonUtil.parseJson(json); // at most 1.5 KiB; refuses duplicate names
        } catch (CharacterCodingException | JoseException | RuntimeException e) {
            return Optional.of(Rejection.MALFORMED);
        }
        if (header == null) {
            return Optional.of(Rejection.MALFORMED);
        }
        Object alg = header.get("alg");
        if (!(alg instanceof String) || !keys.algorithms().contains(alg)) {
            return Optional.of(Rejection.ALGORITHM_NOT_ALLOWED);
        }
        for (String name : header.keySet()) {
            if (KEY_HEADERS.contains(name)) {
                return Optional.of(Rejection.UNTRUSTED_KEY_HEADER);
            }
        }
        for (String name : header.keySet()) {
            if (!KNOWN_HEADERS.contains(name)) {
                return Optional.of(Rejection.UNSUPPORTED); // cty (nesting), crit, zip, b64, ...
            }
        }
        Object typ = header.get("typ");
        if (!(typ instanceof String) || !isAccessTokenType((String) typ)) {
            return Optional.of(Rejection.WRONG_TYPE);
        }
        Object kid = header.get("kid");
        if (!(kid instanceof String) || ((String) kid).isEmpty() || ((String) kid).length() > MAX_KID_CHARS) {
            return Optional.of(Rejection.UNKNOWN_KEY);
        }
        if (signaturePart.isEmpty()) {
            return Optional.of(Rejection.BAD_SIGNATURE);
        }
        Optional<byte[]> signature = decodeCanonical(signaturePart);
        Optional<byte[]> payload = decodeCanonical(payloadPart);
        if (signature.isEmpty() || payload.isEmpty()) {
            return Optional.of(Rejection.MALFORMED);
        }
        // jose4j parses the claims before it checks an asymmetric signature: bound their shape first
        if (nestingDepth(payload.get()) > MAX_JSON_DEPTH) {
            return Optional.of(Rejection.MALFORMED);
        }
        if (keys.isLocal()) {
            Optional<Keys.VerificationKey> key = keys.find((String) kid);
            if (key.isEmpty()) {
                return Optional.of(Rejection.UNKNOWN_KEY);
            }
            if (!key.get().algorithm.equals(alg)) {
                return Optional.of(Rejection.ALGORITHM_NOT_ALLOWED);
            }
            if (signature.get().length != key.get().signatureLength) {
                return Optional.of(Rejection.BAD_SIGNATURE);
            }
            if (key.get().macAlgorithm != null) {
                byte[] signingInput = compact.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
                if (!MessageDigest.isEqual(mac(key.get(), signingInput), signature.get())) {
                    return Optional.of(Rejection.BAD_SIGNATURE);
                }
            }
        }
        return Optional.empty();
    }

    private Verification accept(JwtClaims jwtClaims) {
        Map<String, Object> raw = jwtClaims.getClaimsMap();
        Object sub = raw.get("sub");
        Object jti = raw.get("jti");
        if (!(sub instanceof String) || ((String) sub).isBlank() || !(jti instanceof String) || ((String) jti).isBlank()) {
            return Verification.rejected(Rejection.MISSING_CLAIM);
        }
        Object uid = raw.get("uid");
        Object tier = raw.get("tier");
        Object roles = raw.get("roles");
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
        if (revocations.isRevoked((String) jti)) {
            return Verification.rejected(Rejection.REVOKED);
        }
        Instant expiresAt = Instant.ofEpochSecond((long) ((Number) raw.get("exp")).doubleValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = (Map<String, Object>) deepUnmodifiable(raw);
        return Verification.accepted(new VerifiedToken((String) sub, Optional.ofNullable((String) uid), roleSet,
                Optional.ofNullable((String) tier), (String) jti, expiresAt, claims));
    }

    /** exp, iat, nbf against the injected clock; jose4j error codes so {@link #map} treats them like its own. */
    private ErrorCodeValidator.Error checkTimes(JwtContext context) {
        Map<String, Object> claims = context.getJwtClaims().getClaimsMap();
        double now = clock.millis() / 1000.0;
        double skew = clockSkew.toMillis() / 1000.0;
        double ttl = maxTtl.toMillis() / 1000.0;
        Object exp = claims.get("exp");
        Object iat = claims.get("iat");
        Object nbf = claims.get("nbf");
        if (exp == null) {
            return new ErrorCodeValidator.Error(ErrorCodes.EXPIRATION_MISSING, "exp missing");
        }
        if (iat == null) {
            return new ErrorCodeValidator.Error(ErrorCodes.ISSUED_AT_MISSING, "iat missing");
        }
        if (!isFiniteNumber(exp) || !isFiniteNumber(iat) || (nbf != null && !isFiniteNumber(nbf))) {
            return new ErrorCodeValidator.Error(ErrorCodes.MALFORMED_CLAIM, "exp, iat or nbf is not a number");
        }
        double expSeconds = ((Number) exp).doubleValue();
        double iatSeconds = ((Number) iat).doubleValue();
        if (now >= expSeconds + skew) {
            return new ErrorCodeValidator.Error(ErrorCodes.EXPIRED, "expired");
        }
        if (expSeconds - now > ttl + skew || expSeconds - iatSeconds > ttl) {
            return new ErrorCodeValidator.Error(CUSTOM_LIFETIME_TOO_LONG, "lifetime too long");
        }
        if (iatSeconds > now + skew) {
            return new ErrorCodeValidator.Error(ErrorCodes.ISSUED_AT_INVALID_FUTURE, "iat in the future");
        }
        if (nbf != null && ((Number) nbf).doubleValue() > now + skew) {
            return new ErrorCodeValidator.Error(ErrorCodes.NOT_YET_VALID, "not yet valid");
        }
        return null; // a jose4j validator says "no error" with null
    }

    /** The first matching code wins: signature and shape problems before claim problems. */
    private static Rejection map(InvalidJwtException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnresolvableKeyException) {
            return hasCause(cause, IOException.class) ? Rejection.KEYS_UNAVAILABLE : Rejection.UNKNOWN_KEY;
        }
        if (cause instanceof InvalidAlgorithmException) {
            return Rejection.ALGORITHM_NOT_ALLOWED;
        }
        for (Map.Entry<Integer, Rejection> entry : BY_ERROR_CODE.entrySet()) {
            if (e.hasErrorCode(entry.getKey())) {
                return entry.getValue();
            }
        }
        return Rejection.MALFORMED;
    }

    private static Map<Integer, Rejection> byErrorCode() {
        Map<Integer, Rejection> m = new LinkedHashMap<>();
        m.put(ErrorCodes.SIGNATURE_INVALID, Rejection.BAD_SIGNATURE);
        m.put(ErrorCodes.SIGNATURE_MISSING, Rejection.BAD_SIGNATURE);
        m.put(ErrorCodes.INTEGRITY_MISSING, Rejection.BAD_SIGNATURE);
        m.put(ErrorCodes.ENCRYPTION_MISSING, Rejection.UNSUPPORTED);
        m.put(ErrorCodes.JSON_INVALID, Rejection.MALFORMED);
        m.put(ErrorCodes.TYPE_MISSING, Rejection.WRONG_TYPE);
        m.put(ErrorCodes.TYPE_INVALID, Rejection.WRONG_TYPE);
        m.put(ErrorCodes.MALFORMED_CLAIM, Rejection.MALFORMED_CLAIM);
        m.put(ErrorCodes.ISSUER_MISSING, Rejection.WRONG_ISSUER);
        m.put(ErrorCodes.ISSUER_INVALID, Rejection.WRONG_ISSUER);
        m.put(ErrorCodes.AUDIENCE_MISSING, Rejection.WRONG_AUDIENCE);
        m.put(ErrorCodes.AUDIENCE_INVALID, Rejection.WRONG_AUDIENCE);
        m.put(ErrorCodes.EXPIRATION_MISSING, Rejection.MISSING_CLAIM);
        m.put(ErrorCodes.ISSUED_AT_MISSING, Rejection.MISSING_CLAIM);
        m.put(ErrorCodes.SUBJECT_MISSING, Rejection.MISSING_CLAIM);
        m.put(ErrorCodes.JWT_ID_MISSING, Rejection.MISSING_CLAIM);
        m.put(ErrorCodes.EXPIRED, Rejection.EXPIRED);
        m.put(CUSTOM_LIFETIME_TOO_LONG, Rejection.LIFETIME_TOO_LONG);
        m.put(ErrorCodes.EXPIRATION_TOO_FAR_IN_FUTURE, Rejection.LIFETIME_TOO_LONG);
        m.put(ErrorCodes.ISSUED_AT_INVALID_FUTURE, Rejection.ISSUED_IN_FUTURE);
        m.put(ErrorCodes.ISSUED_AT_INVALID_PAST, Rejection.LIFETIME_TOO_LONG);
        m.put(ErrorCodes.NOT_YET_VALID, Rejection.NOT_YET_VALID);
        return Collections.unmodifiableMap(m);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] mac(Keys.VerificationKey key, byte[] input) {
        try {
            Mac mac = Mac.getInstance(key.macAlgorithm);
            mac.init(key.key);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(key.macAlgorithm + " is missing from this JVM", e);
        }
    }

    /** Strict base64url: the part must be exactly what encoding its bytes gives (no padding, no stray bits). */
    private static Optional<byte[]> decodeCanonical(String part) {
        if (part.length() % 4 == 1) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Keys.base64url(bytes).equals(part) ? Optional.of(bytes) : Optional.empty();
    }

    /** The deepest nesting of objects and arrays, ignoring brackets inside strings; one pass, no parsing. */
    static int nestingDepth(byte[] json) {
        int depth = 0;
        int deepest = 0;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
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

    private static boolean isBase64url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static boolean isAccessTokenType(String typ) {
        return TokenIssuer.TYPE.equalsIgnoreCase(typ) || ("application/" + TokenIssuer.TYPE).equalsIgnoreCase(typ);
    }

    private static boolean isFiniteNumber(Object value) {
        return value instanceof Number && Double.isFinite(((Number) value).doubleValue());
    }

    private static Object deepUnmodifiable(Object value) {
        if (value instanceof Map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                copy.put(String.valueOf(e.getKey()), deepUnmodifiable(e.getValue()));
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List) {
            List<Object> copy = new ArrayList<>();
            for (Object o : (List<?>) value) {
                copy.add(deepUnmodifiable(o));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
