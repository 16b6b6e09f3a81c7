package dev.holdfast.shared;

/**
 * The Redis key and channel names of one namespace: {@code holdfast:<namespace>:...}. User names and client
 * addresses appear only as SHA-256 hashes, so a look at Redis shows no one's login name or address.
 */
final class RedisKeys {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String prefix;

    RedisKeys(String namespace) {
        this.prefix = "holdfast:" + namespace + ":";
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
        return prefix + "throttle:" + hex(SharedConfig.sha256(throttleKey));
    }

    /** One user's sealed record of the shared credential tier. */
    String tier(String username) {
        return prefix + "tier:" + hex(SharedConfig.sha256(username));
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
