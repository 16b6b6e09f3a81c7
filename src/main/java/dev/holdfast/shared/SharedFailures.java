package dev.holdfast.shared;

import dev.holdfast.login.FleetFailures;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The throttle's failure counts in Redis: one counter per throttle key, raised and given its lockout in one
 * script (INCR and PEXPIRE together, so no count is ever left without an expiry), read in one script.
 */
final class SharedFailures implements FleetFailures {
    // KEYS: user key, client key; ARGV[1]: lockout in milliseconds.
    private static final String FAIL = String.join("\n",
            "for i = 1, 2 do",
            "  redis.call('INCR', KEYS[i])",
            "  redis.call('PEXPIRE', KEYS[i], ARGV[1])",
            "end",
            "return 1");
    // KEYS: user key, client key. Returns count and milliseconds left of each (0 and -2 when absent).
    private static final String READ = String.join("\n",
            "local out = {}",
            "for i = 1, 2 do",
            "  out[#out + 1] = tonumber(redis.call('GET', KEYS[i]) or '0')",
            "  out[#out + 1] = redis.call('PTTL', KEYS[i])",
            "end",
            "return out");

    private final RedisCalls redis;
    private final RedisKeys keys;

    SharedFailures(RedisCalls redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public Optional<Counts> read(String userKey, String clientKey) {
        return redis.call("read throttle", jedis -> jedis.eval(READ, List.of(keys.throttle(userKey), keys.throttle(clientKey)), List.of()))
                .map(result -> {
                    List<?> values = (List<?>) result;
                    return new Counts(number(values.get(0)), millis(values.get(1)), number(values.get(2)), millis(values.get(3)));
                });
    }

    @Override
    public void failed(String userKey, String clientKey, Duration lockout) {
        redis.call("count failure", jedis -> jedis.eval(FAIL, List.of(keys.throttle(userKey), keys.throttle(clientKey)),
                List.of(Long.toString(Math.max(1, lockout.toMillis())))));
    }

    @Override
    public void cleared(String userKey) {
        redis.call("clear failures", jedis -> jedis.del(keys.throttle(userKey)));
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    private static Duration millis(Object value) {
        return Duration.ofMillis(Math.max(0, number(value)));
    }
}
