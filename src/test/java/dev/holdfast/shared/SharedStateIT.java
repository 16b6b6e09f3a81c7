package dev.holdfast.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.RedisUrl;
import dev.holdfast.login.FleetFailures;
import dev.holdfast.login.Throttle;
import dev.holdfast.testing.Await;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestSecrets;
import dev.holdfast.token.RevocationList;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Two nodes' shared state on the real Redis at 127.0.0.1:6379, each test in a namespace of its own, and
 * {@link FaultProxy} in front of it for one node to cut it off.
 */
class SharedStateIT {
    private static final String REDIS_HOST = "127.0.0.1";
    private static final int REDIS_PORT = 6379;
    /** The deadline of the tests that check what was written: one slow call on a loaded machine must not fail them. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The deadline of the tests that cut Redis off, short enough for their bounds to mean something. */
    private static final Duration CUT_OFF_TIMEOUT = Duration.ofMillis(250);
    private static final byte[] NAME_KEY = TestSecrets.randomKey();

    private final Clock clock = Clock.systemUTC();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private String namespace;

    @BeforeEach
    void namespace() {
        namespace = "test-" + UUID.randomUUID();
    }

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(opened);
        for (AutoCloseable part : opened) {
            part.close();
        }
        try (Jedis jedis = new Jedis(REDIS_HOST, REDIS_PORT)) {
            for (String key : jedis.keys("holdfast:" + namespace + ":*")) {
                jedis.del(key);
            }
        }
    }

    /** One node: its own revocation list and its shared state. */
    private final class Node {
        final RevocationList local = new RevocationList(clock);
        final SharedState shared;

        Node(String host, int port) {
            this(host, port, TIMEOUT, 5);
        }

        Node(String host, int port, Duration timeout, int breakerFailures) {
            SharedConfig config = new SharedConfig(RedisUrl.parse("redis://" + host + ":" + port), namespace, timeout,
                    breakerFailures, Duration.ofSeconds(1), clock).withNameKey(NAME_KEY);
            shared = SharedState.open(config, local);
            opened.add(shared);
        }
    }

    private Node direct() {
        return new Node(REDIS_HOST, REDIS_PORT);
    }

    private FaultProxy proxy() throws Exception {
        FaultProxy proxy = FaultProxy.start(REDIS_HOST, REDIS_PORT);
        opened.add(proxy);
        return proxy;
    }

    private Instant inAnHour() {
        return clock.instant().plus(Duration.ofHours(1));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
    }

    private static Optional<Duration> refused(Throttle throttle, String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            return attempt.refusedFor().isPresent() ? attempt.refusedFor() : attempt.reserve();
        }
    }

    private static void fail(Throttle throttle, String username, String client) {
        try (Throttle.Attempt attempt = throttle.begin(username, client)) {
            assertTrue(attempt.refusedFor().isEmpty(), "attempt let in");
            assertTrue(attempt.reserve().isEmpty(), "password may be checked");
            attempt.failed();
        }
    }

    @Test
    void aLogoutOnOneNodeIsRefusedOnTheOtherWithinASecond() throws Exception {
        Node a = direct();
        Node b = direct();
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String jti = UUID.randomUUID().toString();
            long start = System.nanoTime();
            a.shared.revoker().revoke(jti, inAnHour());
            assertTrue(a.local.isRevoked(jti), "revoked on the node that logged out at once");
            await("revocation seen by the other node", () -> b.local.isRevoked(jti));
            micros.add((System.nanoTime() - start) / 1000);
        }
        Collections.sort(micros);
        System.out.println("revocation node A -> node B: median " + micros.get(micros.size() / 2) + " us, max "
                + micros.get(micros.size() - 1) + " us over " + micros.size());
        // The requirement is one second; the median keeps a single stall of a loaded machine from deciding it.
        assertTrue(micros.get(micros.size() / 2) < 1_000_000, "median " + micros.get(micros.size() / 2) + " us");
    }

    @Test
    void aNodeThatSubscribesLaterReadsTheRevocationsItMissed() throws Exception {
        Node a = direct();
        String jti = UUID.randomUUID().toString();
        a.shared.revoker().revoke(jti, inAnHour());
        String expired = UUID.randomUUID().toString();
        a.shared.revoker().revoke(expired, clock.instant().minusSeconds(1));

        Node late = direct();
        await("caught up at subscription", () -> late.local.isRevoked(jti));
        assertFalse(late.local.isRevoked(expired), "an expired revocation is neither stored nor shared");
    }

    @Test
    void failuresSpreadOverNodesLockTheAccountOnEveryNode() {
        Node a = direct();
        Node b = direct();
        Throttle onA = new Throttle(3, 50, Duration.ofMinutes(5), clock, a.shared.failures());
        Throttle onB = new Throttle(3, 50, Duration.ofMinutes(5), clock, b.shared.failures());

        fail(onA, "alice", "10.0.0.1");
        fail(onB, "alice", "10.0.0.1");
        assertTrue(refused(onA, "alice", "10.0.0.1").isEmpty(), "two failures of three: not locked yet");
        fail(onA, "Alice", "10.0.0.1");

        Optional<Duration> onOther = refused(onB, "alice", "10.0.0.1");
        assertTrue(onOther.isPresent(), "locked on the node that saw only one failure");
        assertTrue(onOther.get().compareTo(Duration.ofMinutes(4)) > 0, "for the lockout: " + onOther.get());
        assertTrue(refused(onA, "alice", "10.0.0.1").isPresent(), "locked where the last failure was");
        assertTrue(refused(onB, "alice", "10.0.0.2").isEmpty(), "another client is not locked out");
        assertTrue(refused(onB, "bob", "10.0.0.1").isEmpty(), "another user is not locked out");
    }

    @Test
    void aSuccessClearsTheFleetCount() {
        Node a = direct();
        Node b = direct();
        Throttle onA = new Throttle(3, 50, Duration.ofMinutes(5), clock, a.shared.failures());
        Throttle onB = new Throttle(3, 50, Duration.ofMinutes(5), clock, b.shared.failures());
        fail(onA, "carol", "10.0.0.1");
        fail(onA, "carol", "10.0.0.1");
        try (Throttle.Attempt attempt = onB.begin("carol", "10.0.0.1")) {
            assertTrue(attempt.reserve().isEmpty());
            attempt.succeeded();
        }
        fail(onB, "carol", "10.0.0.1");
        assertTrue(refused(onB, "carol", "10.0.0.1").isEmpty(), "one failure since the success");
    }

    @Test
    void blackholedRedisCostsEachCallItsDeadlineAndTheNodeGoesOnAlone() throws Exception {
        FaultProxy proxy = proxy();
        Node cutOff = new Node(proxy.host(), proxy.port(), CUT_OFF_TIMEOUT, 2);
        Node other = direct();
        await("up before the fault", () -> cutOff.shared.status().up());
        Throttle throttle = new Throttle(2, 50, Duration.ofMinutes(5), clock, cutOff.shared.failures());

        proxy.blackhole();
        String jti = UUID.randomUUID().toString();
        long start = System.nanoTime();
        cutOff.shared.revoker().revoke(jti, inAnHour());
        long revokeMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(cutOff.local.isRevoked(jti), "revoked on this node whatever Redis does");
        assertEquals(1, cutOff.shared.status().pending(), "queued for Redis");

        start = System.nanoTime();
        fail(throttle, "dave", "10.0.0.9");
        fail(throttle, "dave", "10.0.0.9");
        assertTrue(refused(throttle, "dave", "10.0.0.9").isPresent(), "this node's own throttle still locks");
        long throttleMillis = (System.nanoTime() - start) / 1_000_000;

        SharedStatus status = cutOff.shared.status();
        assertFalse(status.up(), "shared state reported down");
        assertFalse("CLOSED".equals(status.breaker()), "the breaker opened after the deadlines passed");
        start = System.nanoTime();
        assertTrue(cutOff.shared.credentialStore().get("dave").isEmpty(), "an unreachable store reads as empty");
        long openBreakerMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("blackholed Redis: revoke " + revokeMillis + " ms, 3 throttled attempts " + throttleMillis
                + " ms, a call with the breaker open " + openBreakerMillis + " ms (deadline " + CUT_OFF_TIMEOUT.toMillis() + " ms)");
        // Without the deadline these calls never return; the bound is loose so a loaded machine cannot fail it.
        assertTrue(revokeMillis < 20 * CUT_OFF_TIMEOUT.toMillis(), "revoke took " + revokeMillis + " ms");

        proxy.pass();
        await("the queued revocation pushed and heard by the other node", () -> other.local.isRevoked(jti));
        await("the queue drained", () -> cutOff.shared.status().pending() == 0);
        await("shared state up again", () -> cutOff.shared.status().up());
    }

    @Test
    void revocationsMadeWhileRedisRefusesConnectionsReachTheOtherNodeWhenItIsBack() throws Exception {
        FaultProxy proxy = proxy();
        Node cutOff = new Node(proxy.host(), proxy.port());
        Node other = direct();

        proxy.refuse();
        proxy.killAll();
        List<String> revoked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String jti = UUID.randomUUID().toString();
            cutOff.shared.revoker().revoke(jti, inAnHour());
            revoked.add(jti);
        }
        assertFalse(cutOff.shared.status().up());
        assertEquals(5, cutOff.shared.status().pending());
        assertFalse(other.local.isRevoked(revoked.get(0)), "nothing reached Redis");

        proxy.pass();
        for (String jti : revoked) {
            await("revocation " + jti + " on the other node", () -> other.local.isRevoked(jti));
        }
        await("the queue drained", () -> cutOff.shared.status().pending() == 0);
    }

    @Test
    void theCredentialStoreKeepsSealedRecordsForTheirTimeUnderHashedKeys() throws Exception {
        Node a = direct();
        Node b = direct();
        byte[] sealed = {1, 2, 3, 0, (byte) 0xFF};
        a.shared.credentialStore().put("erin@example.com", sealed, Duration.ofMinutes(5));

        assertArrayEquals(sealed, b.shared.credentialStore().get("erin@example.com").orElseThrow());
        assertTrue(b.shared.credentialStore().get("someone else").isEmpty());
        try (Jedis jedis = new Jedis(REDIS_HOST, REDIS_PORT)) {
            for (String key : jedis.keys("holdfast:" + namespace + ":tier:*")) {
                assertFalse(key.contains("erin"), "the user name is hashed: " + key);
                long ttl = jedis.pttl(key);
                assertTrue(ttl > 0 && ttl <= Duration.ofMinutes(5).toMillis(), "expires with the record: " + ttl);
            }
        }
        b.shared.credentialStore().remove("erin@example.com");
        assertTrue(a.shared.credentialStore().get("erin@example.com").isEmpty());
    }

    @Test
    void redisKeysNameNoOneWithoutTheNameKey() throws Exception {
        Node a = direct();
        a.shared.credentialStore().put("erin@example.com", new byte[] {1}, Duration.ofMinutes(5));
        a.shared.failures().failed("u\u0000erin@example.com\u000010.0.0.1", "c\u000010.0.0.1", Duration.ofMinutes(5));
        String plainHash = RedisKeys.hex(SharedConfig.sha256("erin@example.com"));
        String keyedHash = RedisKeys.hex(SharedConfig.hmacSha256(NAME_KEY, "erin@example.com".getBytes(StandardCharsets.UTF_8)));
        try (Jedis jedis = new Jedis(REDIS_HOST, REDIS_PORT)) {
            Set<String> keys = jedis.keys("holdfast:" + namespace + ":*");
            assertEquals(3, keys.size(), keys.toString());
            assertTrue(keys.contains("holdfast:" + namespace + ":tier:" + keyedHash), keys.toString());
            assertTrue(keys.stream().noneMatch(key -> key.contains(plainHash)), "a plain hash is reversed by a name list");
            String clientPlainHash = RedisKeys.hex(SharedConfig.sha256("c\u000010.0.0.1"));
            assertTrue(keys.stream().noneMatch(key -> key.contains(clientPlainHash) || key.contains("10.0.0.1")),
                    "an address is found by hashing all 2^32: " + keys);
        }
    }

    @Test
    void aNodeWithoutANameKeySharesRevocationsOnly() throws Exception {
        Node named = direct();
        RevocationList local = new RevocationList(clock);
        SharedState verifyOnly = SharedState.open(new SharedConfig(RedisUrl.parse("redis://" + REDIS_HOST + ":" + REDIS_PORT),
                namespace, TIMEOUT, 5, Duration.ofSeconds(1), clock), local);
        opened.add(verifyOnly);
        assertFalse(verifyOnly.sharesNamedState());
        assertThrows(IllegalStateException.class, verifyOnly::failures);
        assertThrows(IllegalStateException.class, verifyOnly::credentialStore);
        await("subscribed", () -> verifyOnly.status().up());
        String jti = UUID.randomUUID().toString();
        named.shared.revoker().revoke(jti, inAnHour());
        await("the revocation heard by the node without a name key", () -> local.isRevoked(jti));
    }

    @Test
    void countersThatAreNoNumbersReadAsNoFleetCounts() {
        Node a = direct();
        RedisKeys keys = new RedisKeys(namespace, Optional.of(NAME_KEY));
        FleetFailures failures = a.shared.failures();
        try (Jedis jedis = new Jedis(REDIS_HOST, REDIS_PORT)) {
            jedis.set(keys.throttle("user-1"), "not a number");
            assertEquals(Optional.empty(), failures.read("user-1", "client-1"), "a string in the counter");
            jedis.del(keys.throttle("user-1"));
            jedis.hset(keys.throttle("user-2"), "field", "value");
            assertEquals(Optional.empty(), failures.read("user-2", "client-1"), "a counter of another type");
            jedis.set(keys.throttle("user-3"), "-7");
            assertEquals(Optional.empty(), failures.read("user-3", "client-1"), "a negative count");
            jedis.set(keys.throttle("user-4"), "2");
            assertEquals(2, failures.read("user-4", "client-1").orElseThrow().user(), "a number still reads");
        }
        Throttle throttle = new Throttle(3, 50, Duration.ofMinutes(5), clock, failures);
        fail(throttle, "gina", "10.0.0.5"); // writes the keys a login reads
        try (Jedis jedis = new Jedis(REDIS_HOST, REDIS_PORT)) {
            for (String key : jedis.keys("holdfast:" + namespace + ":throttle:*")) {
                jedis.set(key, "garbage");
            }
        }
        assertTrue(refused(throttle, "gina", "10.0.0.5").isEmpty(), "a login goes on with this node's own counts");
    }

    @Test
    void twoNamespacesOnOneRedisNeverMix() throws Exception {
        String first = namespace;
        Node a = direct();
        Node b = direct();
        namespace = "test-" + UUID.randomUUID();
        Node elsewhere = direct();
        try {
            a.shared.credentialStore().put("frank", new byte[] {7}, Duration.ofMinutes(1));
            assertTrue(elsewhere.shared.credentialStore().get("frank").isEmpty());

            String jti = UUID.randomUUID().toString();
            a.shared.revoker().revoke(jti, inAnHour());
            await("heard in its own namespace", () -> b.local.isRevoked(jti));
            Node lateElsewhere = direct();
            await("the late node caught up", () -> lateElsewhere.shared.status().listening());
            assertFalse(elsewhere.local.isRevoked(jti), "not published to another namespace");
            assertFalse(lateElsewhere.local.isRevoked(jti), "not stored for another namespace");
        } finally {
            try (Jedis jedis = new Jedis(REDIS_HOST, REDIS_PORT)) {
                for (String key : jedis.keys("holdfast:" + first + ":*")) {
                    jedis.del(key);
                }
            }
        }
    }

    @Test
    void closeStopsAndJoinsEveryThread() {
        Node a = direct();
        assertTrue(threadsNamed("holdfast-shared-") > 0, "subscriber and keeper running");
        a.shared.close();
        opened.remove(a.shared);
        assertEquals(0, threadsNamed("holdfast-shared-subscriber-" + namespace) + threadsNamed("holdfast-shared-keeper-" + namespace));
    }

    private static int threadsNamed(String prefix) {
        int count = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(prefix) && thread.isAlive()) {
                count++;
            }
        }
        return count;
    }
}
