package dev.holdfast.shared;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The Redis key and channel names of one namespace: {@code holdfast:<namespace>:...}. User names and client
 * addresses appear only as HMAC-SHA256 under a key Redis never sees ({@link SharedConfig#withNameKey}): a plain
 * hash of an IPv4 address or a common name is reversed by trying them all, a keyed one is not. A reader of Redis
 * sees how many users and clients have counts or tier records, and when, but not whose. Revoked token ids are
 * stored as they are: they are random and name no one.
 */
final class RedisKeys {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String prefix;
    private final byte[] nameKey; // null on nodes that share only revocations

    RedisKeys(String namespace, Optional<byte[]> nameKey) {
        this.prefix = "holdfast:" + namespace + ":";
        this.nameKey = nameKey.orElse(null);
    }

    /** Whether names can be hashed, i.e. whether {@link #throttle} and {@link #tier} may be asked. */
    boolean hashesNames() {
        return nameKey != null;
    }

    /** The sorted set of revoked token ids, each scored by the epoch millisecond it may be forgotten at. */
    String revoked() {
        return prefix + "revoked";
    }

    /** The channel every revocation is published on. */
    String revocationChannel() {
        return prefix + "revocations";
    }

    /** One throttle count (a key of {@link dev.holdfast.login.Throttle}'s). */
    String throttle(String throttleKey) {
        return prefix + "throttle:" + hashed(throttleKey);
    }

    /** One user's sealed record of the shared credential tier. */
    String tier(String username) {
        return prefix + "tier:" + hashed(username);
    }

    private String hashed(String name) {
        if (nameKey == null) {
            throw new IllegalStateException("no name key: this node shares only revocations");
        }
        return hex(SharedConfig.hmacSha256(nameKey, name.getBytes(StandardCharsets.UTF_8)));
    }

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }
}
