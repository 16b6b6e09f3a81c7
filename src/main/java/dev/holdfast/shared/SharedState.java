package dev.holdfast.shared;

import dev.holdfast.credential.SharedCredentialStore;
import dev.holdfast.db.Breaker;
import dev.holdfast.login.FleetFailures;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.Revoker;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State the nodes of a fleet share through Redis: revoked token ids, the throttle's failure counts and the
 * records of the shared credential tier. Every call has the configured deadline and goes through one breaker;
 * while Redis is slow or down each node goes on with its own state, queues its revocations and pushes them when
 * Redis answers again.
 *
 * <p>Runs two daemon threads, both stopped and joined by {@link #close()}: the subscriber of the revocation
 * channel and a keeper that every second pings the subscription and pushes queued revocations.
 */
public final class SharedState implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedState.class);
    private static final long KEEPER_STOP_SECONDS = 5;

    private final SharedConfig config;
    private final RedisCalls redis;
    private final SharedRevocations revocations;
    private final SharedFailures failures;
    private final RedisCredentialStore credentials;
    private final Subscriber subscriber;
    private final ScheduledExecutorService keeper;
    private final boolean hashesNames;

    private SharedState(SharedConfig config, RevocationList local) {
        this.config = config;
        RedisKeys keys = new RedisKeys(config.namespace(), config.nameKey());
        this.hashesNames = keys.hashesNames();
        this.redis = new RedisCalls(config);
        this.revocations = new SharedRevocations(local, redis, keys, config.clock(), config.longestTokenLife(),
                PendingRevocations.MAX_ENTRIES);
        this.failures = new SharedFailures(redis, keys);
        this.credentials = new RedisCredentialStore(redis, keys, this::reachable);
        this.subscriber = new Subscriber(redis, revocations, keys.revocationChannel(), config.namespace());
        this.keeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "holdfast-shared-keeper-" + config.namespace());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to Redis and starts listening for revocations. Waits up to the deadline for the first
     * subscription; a Redis that is down then leaves this node on its own state until it answers.
     *
     * @param local this node's revocation list: revocations from the other nodes go into it
     */
    public static SharedState open(SharedConfig config, RevocationList local) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(local, "local");
        SharedState state = new SharedState(config, local);
        try {
            state.start();
        } catch (RuntimeException | Error e) {
            state.close();
            throw e;
        }
        return state;
    }

    private void start() {
        subscriber.start();
        long interval = Subscriber.PING_INTERVAL.toMillis();
        keeper.scheduleWithFixedDelay(this::keep, interval, interval, TimeUnit.MILLISECONDS);
        boolean subscribed;
        try {
            subscribed = subscriber.awaitSubscribed(config.timeout().multipliedBy(4));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscribed = false;
        }
        if (subscribed) {
            log.info("holdfast: shared state on [{}], namespace [{}]", redis.where(), config.namespace());
        } else {
            log.warn("holdfast: shared state at [{}] does not answer yet; this node uses its own state until it does",
                    redis.where());
        }
    }

    private void keep() {
        try {
            subscriber.keepAlive();
            revocations.flushPending();
        } catch (RuntimeException e) {
            // the keeper must survive anything, or queued revocations would wait forever
            log.warn("holdfast: shared state upkeep failed: {}", e.toString());
        }
    }

    /** Revokes on this node at once and on every other node through Redis (queued while it does not answer). */
    public Revoker revoker() {
        return revocations;
    }

    /**
     * Whether this node was given a name key ({@link SharedConfig#withNameKey}), so that {@link #failures()} and
     * {@link #credentialStore()} may be used; without one it shares revocations only.
     */
    public boolean sharesNamedState() {
        return hashesNames;
    }

    /** The throttle's fleet-wide failure counts; only when {@link #sharesNamedState()}. */
    public FleetFailures failures() {
        requireNameKey();
        return failures;
    }

    /** The sealed records of the shared credential tier; only when {@link #sharesNamedState()}. */
    public SharedCredentialStore credentialStore() {
        requireNameKey();
        return credentials;
    }

    private void requireNameKey() {
        if (!hashesNames) {
            throw new IllegalStateException("shared state without a name key shares revocations only");
        }
    }

    /** Probes Redis once (a PING, within the deadline and through the breaker) and reports. */
    /**
     * Whether shared state works, without a call to Redis (for a metrics gauge read on every scrape): the breaker
     * is closed and the subscription is live, which the keeper checks with a ping every second.
     */
    public boolean reachable() {
        return redis.breakerState() == Breaker.State.CLOSED && subscriber.listening();
    }

    public SharedStatus status() {
        boolean answered = redis.call("ping", jedis -> jedis.ping()).isPresent();
        return new SharedStatus(answered, redis.breakerState().name(), subscriber.listening(), revocations.pendingCount(),
                config.namespace(), redis.lastFailure());
    }

    /** Stops the keeper and the subscriber (both joined), pushes what still waits if Redis answers, closes the connections. */
    @Override
    public void close() {
        keeper.shutdownNow();
        try {
            if (!keeper.awaitTermination(KEEPER_STOP_SECONDS, TimeUnit.SECONDS)) {
                log.warn("holdfast: the shared-state keeper did not stop within {} s", KEEPER_STOP_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        subscriber.close();
        revocations.flushPending(); // a last push, bounded by the deadline: queued revocations outlive this node
        redis.close();
    }
}
