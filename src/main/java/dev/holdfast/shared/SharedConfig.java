package dev.holdfast.shared;

import dev.holdfast.config.RedisUrl;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What {@link SharedState#open} needs: where Redis is, whose keys are ours, and how long a call may take. */
public final class SharedConfig {
    /** The longest token life any settings allow ({@code jwt.ttl} up to 30 days, {@code jwt.clockSkew} up to 5 minutes). */
    static final Duration WIDEST_TOKEN_LIFE = Duration.ofDays(30).plusMinutes(5);
    /**
     * What Holdfast asks its token keys for ({@code Keys.deriveSubkey}), or derives from {@code cache.sharedKey}
     * ({@link #nameKeyFrom}), to hash user names and client addresses into Redis key names.
     */
    public static final String NAME_KEY_PURPOSE = "holdfast redis key names";

    private final RedisUrl url;
    private final String namespace;
    private final Duration timeout;
    private final int breakerFailures;
    private final Duration breakerOpenFor;
    private final Clock clock;
    private final Duration longestTokenLife;
    private final byte[] nameKey; // null: names cannot be hashed, so only revocations are shared

    /**
     * @param url             the Redis server or Sentinels ({@code holdfast.shared.redisUrl})
     * @param namespace       the part of every key after {@code holdfast:} ({@code holdfast.shared.namespace})
     * @param timeout         the longest wait for a connection and for each answer ({@code holdfast.shared.timeout})
     * @param breakerFailures failures that open the breaker ({@code holdfast.breaker.failures})
     * @param breakerOpenFor  how long it stays open before one probe ({@code holdfast.breaker.openFor})
     * @param clock           time source for expiries and the breaker
     */
    public SharedConfig(RedisUrl url, String namespace, Duration timeout, int breakerFailures, Duration breakerOpenFor,
                        Clock clock) {
        this(url, namespace, timeout, breakerFailures, breakerOpenFor, clock, WIDEST_TOKEN_LIFE);
    }

    /**
     * As above, with the longest a token this node accepts stays valid (its longest lifetime plus the clock skew):
     * a revocation read from Redis is kept no longer than that, whatever expiry Redis gives it.
     */
    public SharedConfig(RedisUrl url, String namespace, Duration timeout, int breakerFailures, Duration breakerOpenFor,
                        Clock clock, Duration longestTokenLife) {
        this.url = Objects.requireNonNull(url, "url");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        if (!namespace.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("namespace must be 1-64 letters, digits, '.', '_' or '-'");
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout must be positive and below 24 days: " + timeout);
        }
        this.breakerFailures = breakerFailures;
        this.breakerOpenFor = Objects.requireNonNull(breakerOpenFor, "breakerOpenFor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.longestTokenLife = Objects.requireNonNull(longestTokenLife, "longestTokenLife");
        if (longestTokenLife.isNegative() || longestTokenLife.isZero()) {
            throw new IllegalArgumentException("longestTokenLife must be positive: " + longestTokenLife);
        }
        this.nameKey = null;
    }

    private SharedConfig(SharedConfig base, byte[] nameKey) {
        this.url = base.url;
        this.namespace = base.namespace;
        this.timeout = base.timeout;
        this.breakerFailures = base.breakerFailures;
        this.breakerOpenFor = base.breakerOpenFor;
        this.clock = base.clock;
        this.longestTokenLife = base.longestTokenLife;
        this.nameKey = nameKey;
    }

    /**
     * This configuration with the key user names and client addresses are hashed under (HMAC-SHA256) before they
     * become part of a Redis key name; Redis never sees it. Every node of a fleet needs the same one. Without it
     * only revocations are shared (what a verify-only node needs): no throttle counts, no shared credential tier.
     *
     * @param nameKey at least 32 bytes
     */
    public SharedConfig withNameKey(byte[] nameKey) {
        Objects.requireNonNull(nameKey, "nameKey");
        if (nameKey.length < 32) {
            throw new IllegalArgumentException("the name key must have at least 32 bytes");
        }
        return new SharedConfig(this, nameKey.clone());
    }

    /** The name key derived from {@code holdfast.cache.sharedKey}: a subkey, so Redis names never reveal that key. */
    public static byte[] nameKeyFrom(byte[] sharedKey) {
        return hmacSha256(sharedKey, NAME_KEY_PURPOSE.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    /**
     * The namespace when none is set: from the issuer and audience, so that applications accepting each other's
     * tokens share revocations and two unrelated applications on one Redis never meet.
     */
    public static String defaultNamespace(String issuer, Optional<String> audience) {
        Objects.requireNonNull(issuer, "issuer");
        String identity = issuer + "\n" + audience.orElse("");
        return "app-" + RedisKeys.hex(sha256(identity)).substring(0, 16);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public RedisUrl url() {
        return url;
    }

    public String namespace() {
        return namespace;
    }

    public Duration timeout() {
        return timeout;
    }

    int breakerFailures() {
        return breakerFailures;
    }

    Duration breakerOpenFor() {
        return breakerOpenFor;
    }

    Clock clock() {
        return clock;
    }

    Duration longestTokenLife() {
        return longestTokenLife;
    }

    Optional<byte[]> nameKey() {
        return Optional.ofNullable(nameKey);
    }
}
