package dev.holdfast.shared;

import dev.holdfast.token.RevocationList;
import dev.holdfast.token.Revoker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.resps.Tuple;

/**
 * Revocations every node sees. A logout revokes on this node at once, then one script adds the id to the sorted
 * set (scored by when it may be forgotten, trimmed of expired ids, expiring with its last member) and publishes it
 * to the other nodes. What Redis cannot take now waits in {@link PendingRevocations} and is pushed when it answers
 * again; a node that (re)subscribes reads the set, so a revocation published while it was away is not missed.
 *
 * <p>Received ids go into this node's {@link RevocationList} as remote entries, which never push out this node's
 * own; the verified-token cache asks that list on every hit, so a cached token is refused from then on too. What
 * Redis says is not trusted: an id longer than {@link #MAX_JTI_LENGTH} or with control characters is ignored, and
 * an expiry is cut to now plus {@code longestTokenLife} (past that no token this node accepts is still valid).
 */
final class SharedRevocations implements Revoker {
    private static final Logger log = LoggerFactory.getLogger(SharedRevocations.class);
    static final int BATCH = 500;
    static final int PAGE = 1000;
    /** Far above any id Holdfast issues (22 characters); bounds what one message from Redis can make a node keep. */
    static final int MAX_JTI_LENGTH = 256;
    /** Keeps the set a minute past its last member, in case the Redis clock runs ahead of the nodes'. */
    private static final long EXPIRY_MARGIN_MILLIS = 60_000;

    // KEYS[1] the set; ARGV[1] the channel, ARGV[2] now, ARGV[3] the margin, then pairs of (forget-at, jti).
    // An id already there keeps the later of its two times. Works on Redis 5 and later.
    private static final String PUSH = String.join("\n",
            "for i = 4, #ARGV, 2 do",
            "  local old = redis.call('ZSCORE', KEYS[1], ARGV[i + 1])",
            "  if (not old) or tonumber(old) < tonumber(ARGV[i]) then",
            "    redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])",
            "  end",
            "  redis.call('PUBLISH', ARGV[1], ARGV[i] .. ':' .. ARGV[i + 1])",
            "end",
            "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])",
            "local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')",
            "if last[2] then redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]) + tonumber(ARGV[3])) end",
            "return #ARGV");

    private final RevocationList local;
    private final RedisCalls redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final Duration longestTokenLife;
    private final PendingRevocations pending;
    private final AtomicBoolean warnedFull = new AtomicBoolean();

    /** @param longestTokenLife the longest a token this node accepts stays valid: its longest lifetime plus clock skew */
    SharedRevocations(RevocationList local, RedisCalls redis, RedisKeys keys, Clock clock, Duration longestTokenLife,
                      int maxPending) {
        this.local = local;
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.longestTokenLife = longestTokenLife;
        this.pending = new PendingRevocations(maxPending);
    }

    /** Revokes here at once; shares it now, or queues it when Redis does not answer within the deadline. */
    @Override
    public void revoke(String jti, Instant expiresAt) {
        local.revoke(jti, expiresAt);
        if (!expiresAt.isAfter(clock.instant())) {
            return;
        }
        PendingRevocations.Revocation revocation = new PendingRevocations.Revocation(jti, expiresAt);
        if (!push(List.of(revocation))) {
            queue(revocation);
        }
    }

    private void queue(PendingRevocations.Revocation revocation) {
        if (!pending.add(revocation) && warnedFull.compareAndSet(false, true)) {
            log.warn("holdfast: {} revocations wait for shared state at [{}]; the ones expiring soonest are given up"
                    + " first (this node still refuses them)", PendingRevocations.MAX_ENTRIES, redis.where());
        }
    }

    private boolean push(List<PendingRevocations.Revocation> batch) {
        List<String> args = new ArrayList<>(3 + 2 * batch.size());
        args.add(keys.revocationChannel());
        args.add(Long.toString(clock.millis()));
        args.add(Long.toString(EXPIRY_MARGIN_MILLIS));
        for (PendingRevocations.Revocation revocation : batch) {
            args.add(Long.toString(revocation.expiresAt.toEpochMilli()));
            args.add(revocation.jti);
        }
        return redis.call("revoke", jedis -> jedis.eval(PUSH, List.of(keys.revoked()), args)).isPresent();
    }

    /** Pushes what waits, a batch at a time, until none is left or Redis stops answering. */
    void flushPending() {
        flushPending(() -> { });
    }

    /** As {@link #flushPending()}, calling {@code afterEachBatch} after each batch Redis took. */
    void flushPending(Runnable afterEachBatch) {
        while (true) {
            List<PendingRevocations.Revocation> batch = pending.take(BATCH, clock.instant());
            if (batch.isEmpty()) {
                return;
            }
            if (!push(batch)) {
                pending.putBack(batch);
                return;
            }
            warnedFull.set(false);
            afterEachBatch.run();
        }
    }

    int pendingCount() {
        return pending.size();
    }

    /** A message from the channel: {@code <forget-at epoch millis>:<jti>}. */
    void received(String message) {
        int colon = message.indexOf(':');
        if (colon < 1 || colon == message.length() - 1) {
            log.debug("holdfast: ignoring a malformed revocation message");
            return;
        }
        long forgetAt;
        try {
            forgetAt = Long.parseLong(message.substring(0, colon));
        } catch (NumberFormatException e) {
            log.debug("holdfast: ignoring a malformed revocation message");
            return;
        }
        revokeRemote(message.substring(colon + 1), forgetAt);
    }

    private void revokeRemote(String jti, long forgetAtMillis) {
        if (jti.length() > MAX_JTI_LENGTH || jti.chars().anyMatch(Character::isISOControl)) {
            log.debug("holdfast: ignoring a revocation with an implausible token id");
            return;
        }
        long latest = clock.millis() + longestTokenLife.toMillis();
        local.revokeRemote(jti, Instant.ofEpochMilli(Math.min(forgetAtMillis, latest)));
    }

    /**
     * Reads every revocation not yet expired from the set into this node's list, a page at a time, calling
     * {@code afterEachPage} after each (the subscriber counts a page read as a sign of life).
     *
     * @return false when Redis stopped answering before the end
     */
    boolean catchUp(Runnable afterEachPage) {
        double min = clock.millis();
        int skip = 0; // ids at score min already read
        while (true) {
            double from = min;
            int offset = skip;
            List<Tuple> page = redis.call("catch up", jedis ->
                    jedis.zrangeByScoreWithScores(keys.revoked(), from, Double.POSITIVE_INFINITY, offset, PAGE)).orElse(null);
            if (page == null) {
                return false;
            }
            for (Tuple tuple : page) {
                revokeRemote(tuple.getElement(), (long) tuple.getScore());
            }
            afterEachPage.run();
            if (page.size() < PAGE) {
                return true;
            }
            // The next page starts after the ids read at the last score: by score, then by rank within it.
            double last = page.get(page.size() - 1).getScore();
            int atLast = 0;
            for (int i = page.size() - 1; i >= 0 && page.get(i).getScore() == last; i--) {
                atLast++;
            }
            skip = last == from ? skip + atLast : atLast;
            min = last;
        }
    }
}
