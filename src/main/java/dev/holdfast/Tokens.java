package dev.holdfast;

import dev.holdfast.config.ConfigException;
import dev.holdfast.config.Settings;
import dev.holdfast.config.UrlCredentials;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenIssuer;
import dev.holdfast.token.TokenVerifier;
import dev.holdfast.web.TokenCookies;
import dev.holdfast.web.TrustedProxies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The token parts of one application: its keys and the one verifier (with its revocation list) every filter
 * shares, so a logout on this node is seen by all of them. Also the one place that turns {@code jwt.*},
 * {@code cookie.*} and {@code proxy.trusted} into token and web types, for the listener and for a filter or
 * JWKS servlet declared without it.
 */
final class Tokens {
    final Keys keys;
    final RevocationList revocations;
    final TokenVerifier verifier;

    Tokens(Keys keys, RevocationList revocations, TokenVerifier verifier) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /** The keys and a verifier on a revocation list of its own, as the settings say. */
    static Tokens from(Settings settings, Clock clock) throws ConfigException {
        Keys keys = keys(settings);
        RevocationList revocations = new RevocationList(settings.get(Settings.JWT_REVOCATIONS_MAX_ENTRIES), clock);
        return new Tokens(keys, revocations, verifier(settings, keys, revocations, clock));
    }

    /** The keys named by {@code jwt.secret}, {@code jwt.keys} or {@code jwt.jwksUrl} (the settings reader ensures one). */
    static Keys keys(Settings settings) throws ConfigException {
        Optional<dev.holdfast.config.Secret> secret = settings.find(Settings.JWT_SECRET);
        if (secret.isPresent()) {
            try {
                return Keys.hmac(secret.get().bytes());
            } catch (IllegalArgumentException e) {
                throw problem(Settings.JWT_SECRET.key(), "*****", e);
            }
        }
        Optional<Path> file = settings.find(Settings.JWT_KEYS);
        if (file.isPresent()) {
            String json;
            try {
                json = new String(Files.readAllBytes(file.get()), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(List.of("holdfast: [" + Settings.JWT_KEYS.key() + "] = [" + file.get()
                        + "] cannot be read (" + e.getClass().getSimpleName() + "); use the path of a JWK Set file with private keys"));
            }
            try {
                return Keys.fromJwkSet(json);
            } catch (IllegalArgumentException e) {
                throw problem(Settings.JWT_KEYS.key(), file.get().toString(), e);
            }
        }
        Optional<java.net.URI> url = settings.find(Settings.JWT_JWKS_URL);
        if (url.isPresent()) {
            try {
                return Keys.remote(url.get());
            } catch (IllegalArgumentException e) {
                throw problem(Settings.JWT_JWKS_URL.key(), UrlCredentials.mask(url.get()), e);
            }
        }
        throw new ConfigException(List.of("holdfast: [" + Settings.JWT_SECRET.key() + "] is required (at least 32 bytes)"
                + " unless [" + Settings.JWT_KEYS.key() + "] or [" + Settings.JWT_JWKS_URL.key() + "] is set"));
    }

    /**
     * A verifier for tokens from this deployment. The longest lifetime accepted is {@code jwt.ttl}, or
     * {@code emergency.ttl} when emergency logins are enabled and it is longer (their tokens live that long).
     */
    static TokenVerifier verifier(Settings settings, Keys keys, RevocationList revocations, Clock clock) {
        return new TokenVerifier(keys, settings.get(Settings.JWT_ISSUER), settings.find(Settings.JWT_AUDIENCE),
                maxTtl(settings), settings.get(Settings.JWT_CLOCK_SKEW), revocations, clock,
                settings.get(Settings.JWT_REQUIRE_KID), settings.get(Settings.JWT_CACHE_MAX_ENTRIES));
    }

    /** The longest lifetime a token may claim: {@code jwt.ttl}, or {@code emergency.ttl} when enabled and longer. */
    static Duration maxTtl(Settings settings) {
        Duration maxTtl = settings.get(Settings.JWT_TTL);
        if (settings.find(Settings.EMERGENCY_ENABLED).orElse(false)) {
            Duration emergency = settings.get(Settings.EMERGENCY_TTL);
            if (emergency.compareTo(maxTtl) > 0) {
                maxTtl = emergency;
            }
        }
        return maxTtl;
    }

    /** How long a token this node accepts may stay valid: {@link #maxTtl} plus {@code jwt.clockSkew}. */
    static Duration longestTokenLife(Settings settings) {
        return maxTtl(settings).plus(settings.get(Settings.JWT_CLOCK_SKEW));
    }

    /** Issues tokens under {@code jwt.issuer} and, when set, {@code jwt.audience}: the value its verifier requires. */
    public static TokenIssuer issuer(Settings settings, Keys keys, Clock clock) {
        return new TokenIssuer(keys, settings.get(Settings.JWT_ISSUER), settings.find(Settings.JWT_AUDIENCE), clock);
    }

    /** The token cookie as {@code cookie.name}, {@code cookie.path} (default: the context path) and {@code cookie.secure} say. */
    static TokenCookies cookies(Settings settings) {
        return new TokenCookies(settings.get(Settings.COOKIE_NAME), settings.find(Settings.COOKIE_PATH), settings.get(Settings.COOKIE_SECURE),
                proxies(settings));
    }

    /** The proxies named by {@code proxy.trusted}: none unless set. */
    static TrustedProxies proxies(Settings settings) {
        return new TrustedProxies(settings.find(Settings.PROXY_TRUSTED).orElse(List.of()));
    }

    private static ConfigException problem(String key, String value, IllegalArgumentException e) {
        return new ConfigException(List.of("holdfast: [" + key + "] = [" + value + "] " + e.getMessage()));
    }
}
