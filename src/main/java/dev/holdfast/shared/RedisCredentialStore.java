package dev.holdfast.shared;

import dev.holdfast.credential.SharedCredentialStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.params.SetParams;

/**
 * The shared credential tier's records in Redis, one key per user ({@code holdfast:<namespace>:tier:<sha256>}),
 * each expiring with its record. The records arrive sealed; this class never sees a password or a hash in clear.
 * A call Redis does not answer within the deadline reads as empty or is dropped.
 */
final class RedisCredentialStore implements SharedCredentialStore {
    private final RedisCalls redis;
    private final RedisKeys keys;
    private final BooleanSupplier reachable;

    RedisCredentialStore(RedisCalls redis, RedisKeys keys, BooleanSupplier reachable) {
        this.redis = redis;
        this.keys = keys;
        this.reachable = reachable;
    }

    /** Redis answers, as the shared state's breaker and heartbeat know it: calls made now would not just fail. */
    @Override
    public boolean available() {
        return reachable.getAsBoolean();
    }

    @Override
    public Optional<byte[]> get(String username) {
        byte[] key = key(username);
        return redis.call("read tier record", jedis -> jedis.get(key));
    }

    @Override
    public void put(String username, byte[] sealed, Duration ttl) {
        Objects.requireNonNull(sealed, "sealed");
        Objects.requireNonNull(ttl, "ttl");
        byte[] key = key(username);
        if (ttl.isNegative() || ttl.isZero()) {
            redis.call("remove tier record", jedis -> jedis.del(key));
            return;
        }
        byte[] value = sealed.clone();
        redis.call("store tier record", jedis -> jedis.set(key, value, SetParams.setParams().px(ttl.toMillis())));
    }

    @Override
    public void remove(String username) {
        byte[] key = key(username);
        redis.call("remove tier record", jedis -> jedis.del(key));
    }

    private byte[] key(String username) {
        return keys.tier(Objects.requireNonNull(username, "username")).getBytes(StandardCharsets.UTF_8);
    }
}
