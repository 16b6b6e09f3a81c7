package dev.holdfast.shared;

import dev.holdfast.config.RedisUrl;
import dev.holdfast.db.Breaker;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * Every call to Redis: through one breaker, on pooled connections whose connect and read timeouts are the
 * configured deadline, so a call on a pooled connection gives up after one deadline (one that must first connect,
 * after at most two). A call that fails, times out or is refused by the open breaker returns empty; it never
 * throws to a login or a logout. While one call makes the pool (which asks every Sentinel in turn), the others
 * return empty at once instead of waiting for it.
 */
final class RedisCalls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisCalls.class);
    /** Connections: a few concurrent calls plus the subscriber's one held connection. */
    static final int MAX_CONNECTIONS = 16;

    private final SharedConfig config;
    private final Breaker breaker;
    private final String where;
    private volatile String lastFailure;
    // Made at first use, since a Sentinel pool asks the Sentinels at once and they may be down. One thread makes
    // it while the others fail fast: with every Sentinel blackholed that takes Sentinels x timeout, and no login
    // may queue behind it.
    private final ReentrantLock making = new ReentrantLock();
    private volatile Pool<Jedis> pool; // written under making
    private volatile boolean closed; // written under making

    RedisCalls(SharedConfig config) {
        this.config = config;
        this.where = config.url().toString();
        this.breaker = new Breaker("shared", config.breakerFailures(), config.breakerOpenFor(), Duration.ZERO, config.clock());
    }

    /** Another thread is making the pool: this call did not wait for it and says nothing about Redis. */
    static final class PoolBeingMade extends JedisException {
        private static final long serialVersionUID = 1L;

        PoolBeingMade() {
            super("another call is connecting to the shared state");
        }
    }

    /**
     * @throws PoolBeingMade when another thread is making the pool
     * @throws JedisException when closed, or when no Sentinel names the master
     */
    private Pool<Jedis> pool() {
        Pool<Jedis> made = pool;
        if (made != null && !closed) {
            return made;
        }
        if (!making.tryLock()) {
            if (closed) {
                throw new JedisException("shared state is closed");
            }
            throw new PoolBeingMade();
        }
        try {
            if (closed) {
                throw new JedisException("shared state is closed");
            }
            if (pool == null) {
                pool = pool(config.url(), (int) config.timeout().toMillis(), config.timeout());
            }
            return pool;
        } finally {
            making.unlock();
        }
    }

    private static Pool<Jedis> pool(RedisUrl url, int millis, Duration maxWait) {
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(MAX_CONNECTIONS);
        poolConfig.setMaxIdle(MAX_CONNECTIONS);
        poolConfig.setMaxWait(maxWait);
        // No JMX registration and no evictor thread: nothing that outlives an undeploy.
        poolConfig.setJmxEnabled(false);
        poolConfig.setTimeBetweenEvictionRuns(Duration.ofMillis(-1));
        DefaultJedisClientConfig.Builder master = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis).socketTimeoutMillis(millis)
                .database(url.database()).ssl(url.tls())
                // no CLIENT SETINFO round trips on each new connection
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (url.tls()) {
            master.sslParameters(checkingHostName());
        }
        url.user().ifPresent(master::user);
        url.password().ifPresent(master::password);
        if (url.master().isEmpty()) {
            RedisUrl.Address address = url.addresses().get(0);
            return new JedisPool(poolConfig, new HostAndPort(address.host(), address.port()), master.build());
        }
        DefaultJedisClientConfig.Builder sentinel = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis).socketTimeoutMillis(millis).ssl(url.tls())
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (url.tls()) {
            sentinel.sslParameters(checkingHostName());
        }
        url.sentinelPassword().ifPresent(sentinel::password);
        Set<HostAndPort> sentinels = new LinkedHashSet<>();
        for (RedisUrl.Address address : url.addresses()) {
            sentinels.add(new HostAndPort(address.host(), address.port()));
        }
        JedisClientConfig sentinelConfig = sentinel.build();
        return new JedisSentinelPool(url.master().get(), sentinels, poolConfig, master.build(), sentinelConfig);
    }

    /** TLS that checks the server's name against its certificate, not only the certificate's chain. */
    private static SSLParameters checkingHostName() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    /**
     * Runs {@code work} on a pooled connection, unless the breaker is open.
     *
     * @return what it returned, or empty when Redis did not answer in time or the breaker refused the call
     */
    <T> Optional<T> call(String what, Function<Jedis, T> work) {
        if (!breaker.tryAcquire()) {
            return Optional.empty();
        }
        try (Jedis jedis = pool().getResource()) {
            T result = work.apply(jedis);
            breaker.onSuccess();
            return Optional.ofNullable(result);
        } catch (JedisException e) {
            if (e instanceof PoolBeingMade || e.getCause() instanceof NoSuchElementException) {
                breaker.onNeutral(); // every connection busy, or another call connecting: says nothing about Redis
                return Optional.empty();
            }
            breaker.onFailure();
            lastFailure = e.getClass().getSimpleName();
            log.debug("holdfast: shared state at [{}]: {} failed: {}", where, what, e.toString());
            return Optional.empty();
        } catch (RuntimeException e) {
            breaker.onNeutral(); // a bug here says nothing about Redis
            throw e;
        }
    }

    /**
     * A connection held outside the breaker, for the subscriber. The caller closes it.
     *
     * @throws JedisException when Redis cannot be reached
     */
    Jedis dedicated() {
        return pool().getResource();
    }

    Breaker.State breakerState() {
        return breaker.state();
    }

    /** The kind of the last failed call, e.g. {@code JedisConnectionException}; empty when none failed yet. */
    Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** The URL, passwords masked. */
    String where() {
        return where;
    }

    @Override
    public void close() {
        making.lock(); // waits for a pool being made, so that it is closed too
        try {
            closed = true;
            if (pool != null) {
                pool.close();
            }
        } finally {
            making.unlock();
        }
    }
}
