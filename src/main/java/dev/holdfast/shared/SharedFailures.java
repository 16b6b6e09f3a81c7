package dev.holdfast.shared;

import dev.holdfast.login.FleetFailures;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throttle's failure counts in Redis: one counter per throttle key, raised and given its lockout in one
 * script (INCR and PEXPIRE together, so no count is ever left without an expiry), read in one script.
 */
final class SharedFailures implements FleetFailures {
    private static final Logger log = LoggerFactory.getLogger(SharedFailures.class);
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

    /**
     * The counts, parsed inside the call: whatever Redis holds (a counter that is no number, a key of another
     * type, an answer of another shape) reads as no fleet counts, never as an exception in a login.
     */
    @Override
    public Optional<Counts> read(String userKey, String clientKey) {
        try {
            List<String> names = List.of(keys.throttle(userKey), keys.throttle(clientKey));
            return redis.call("read throttle", jedis -> counts(jedis.eval(READ, names, List.of())));
        } catch (RuntimeException e) {
            log.debug("holdfast: fleet throttle counts unreadable: {}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void failed(String userKey, String clientKey, Duration lockout) {
        try {
            List<String> names = List.of(keys.throttle(userKey), keys.throttle(clientKey));
            redis.call("count failure", jedis -> jedis.eval(FAIL, names, List.of(Long.toString(Math.max(1, lockout.toMillis())))));
        } catch (RuntimeException e) {
            log.debug("holdfast: fleet throttle count not raised: {}", e.toString());
        }
    }

    @Override
    public void cleared(String userKey) {
        try {
            String name = keys.throttle(userKey);
            redis.call("clear failures", jedis -> jedis.del(name));
        } catch (RuntimeException e) {
            log.debug("holdfast: fleet throttle count not cleared: {}", e.toString());
        }
    }

    /** The script's answer as counts; null (no counts) when it is not four whole numbers, the counts not negative. */
    private static Counts counts(Object answer) {
        if (!(answer instanceof List) || ((List<?>) answer).size() != 4) {
            return null;
        }
        List<?> values = (List<?>) answer;
        for (Object value : values) {
            if (!(value instanceof Long)) {
                return null;
            }
        }
        if (number(values.get(0)) < 0 || number(values.get(2)) < 0) {
            return null;
        }
        return new Counts(number(values.get(0)), millis(values.get(1)), number(values.get(2)), millis(values.get(3)));
    }

    private static long number(Object value) {
        return (Long) value;
    }

    private static Duration millis(Object value) {
        return Duration.ofMillis(Math.max(0, number(value)));
    }
}
