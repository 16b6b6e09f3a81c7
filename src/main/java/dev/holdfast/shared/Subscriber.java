package dev.holdfast.shared;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The daemon thread that listens on the revocation channel. It reconnects with backoff (0.1 s doubling to 5 s)
 * whenever the connection breaks, and on every (re)subscription reads the revocations it may have missed and
 * pushes what waits on this node. A subscribed connection reads with no timeout, so {@link #keepAlive} (called
 * every {@link #PING_INTERVAL}) pings it, and drops it when nothing has been heard for three intervals: a Redis
 * that vanished without closing the connection is noticed within seconds.
 */
final class Subscriber implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    private static final long SILENCE_NANOS = 3 * PING_INTERVAL.toNanos();
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final Duration JOIN_WAIT = Duration.ofSeconds(5);

    private final RedisCalls redis;
    private final SharedRevocations revocations;
    private final String channel;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private volatile Jedis connection;
    private volatile Listener listener;
    private volatile boolean subscribed;
    private volatile boolean caughtUp;
    private volatile long lastHeardNanos;

    Subscriber(RedisCalls redis, SharedRevocations revocations, String channel, String namespace) {
        this.redis = redis;
        this.revocations = revocations;
        this.channel = channel;
        this.thread = new Thread(this::run, "holdfast-shared-subscriber-" + namespace);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits up to {@code wait} for the first subscription; true when subscribed. */
    boolean awaitSubscribed(Duration wait) throws InterruptedException {
        return firstSubscription.await(wait.toMillis(), TimeUnit.MILLISECONDS) && subscribed;
    }

    /** Subscribed and caught up: this node hears every revocation from now on and knows the earlier ones. */
    boolean listening() {
        return subscribed && caughtUp;
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (closing.getCount() > 0) {
            Listener current = new Listener();
            try (Jedis jedis = redis.dedicated()) {
                lastHeardNanos = System.nanoTime();
                connection = jedis;
                listener = current;
                if (closing.getCount() == 0) {
                    return;
                }
                jedis.subscribe(current, channel);
            } catch (JedisException e) {
                if (closing.getCount() > 0) {
                    log.debug("holdfast: shared state at [{}]: subscription lost: {}", redis.where(), e.toString());
                }
            } finally {
                connection = null;
                subscribed = false;
                caughtUp = false;
            }
            if (current.heardSomething) {
                backoff = FIRST_BACKOFF_MILLIS;
            }
            try {
                closing.await(backoff, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    /**
     * Drops a connection silent for too long (a subscription never confirmed, or no answer to pings), pings a
     * subscribed one, and retries an unfinished catch-up.
     */
    void keepAlive() {
        Listener current = listener;
        Jedis jedis = connection;
        if (current == null || jedis == null) {
            return;
        }
        if (System.nanoTime() - lastHeardNanos > SILENCE_NANOS) {
            log.debug("holdfast: shared state at [{}]: subscription silent, reconnecting", redis.where());
            jedis.disconnect();
            return;
        }
        if (!subscribed) {
            return;
        }
        try {
            current.ping();
        } catch (JedisException | IllegalStateException e) {
            jedis.disconnect();
            return;
        }
        if (!caughtUp) {
            caughtUp = revocations.catchUp(this::heardNow);
        }
    }

    /** Work done on the subscribed connection's behalf (a page of catch-up read) counts as hearing from Redis. */
    private void heardNow() {
        lastHeardNanos = System.nanoTime();
    }

    @Override
    public void close() {
        closing.countDown();
        Jedis jedis = connection;
        if (jedis != null) {
            // Closing the socket ends the blocking read at once, whether or not Redis still answers.
            jedis.disconnect();
        }
        try {
            thread.join(JOIN_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("holdfast: the shared-state subscriber did not stop within {}", JOIN_WAIT);
        }
    }

    private final class Listener extends JedisPubSub {
        volatile boolean heardSomething;

        private void heard() {
            heardSomething = true;
            heardNow();
        }

        @Override
        public void onSubscribe(String subscribedChannel, int count) {
            if (closing.getCount() == 0) {
                unsubscribe(); // closed while this subscription was being made: end it rather than block
                return;
            }
            heard();
            // Pongs are not read while this runs, so each page or batch done counts as hearing from Redis: a long
            // catch-up is not taken for a silent connection. Subscribed only afterwards, so the keeper neither
            // pings unread nor starts a second catch-up beside this one.
            caughtUp = revocations.catchUp(Subscriber.this::heardNow);
            revocations.flushPending(Subscriber.this::heardNow);
            heard();
            subscribed = true;
            firstSubscription.countDown();
        }

        @Override
        public void onMessage(String fromChannel, String message) {
            heard();
            revocations.received(message);
        }

        @Override
        public void onPong(String pattern) {
            heard();
        }
    }
}
