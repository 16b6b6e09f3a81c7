package dev.holdfast.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.RedisUrl;
import dev.holdfast.testing.Await;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.token.RevocationList;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A {@code redis-sentinel://} URL against a real Sentinel (started here, watching the Redis at 127.0.0.1:6379 as
 * {@code mymaster}): the node finds the master through it and shares revocations with a node connected directly.
 */
class SentinelIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aNodeFindsTheMasterThroughSentinelAndSharesRevocations() throws Exception {
        int port = freePort();
        Path config = dir.resolve("sentinel.conf");
        Files.write(config, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir,
                "sentinel monitor mymaster 127.0.0.1 6379 1",
                "sentinel down-after-milliseconds mymaster 60000",
                "").getBytes(StandardCharsets.UTF_8));
        Process sentinel = new ProcessBuilder("redis-server", config.toString(), "--sentinel")
                .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();
        String namespace = "test-" + UUID.randomUUID();
        Clock clock = Clock.systemUTC();
        try {
            awaitSentinel(port);
            RevocationList viaSentinel = new RevocationList(clock);
            RevocationList direct = new RevocationList(clock);
            try (SharedState a = SharedState.open(new SharedConfig(RedisUrl.parse("redis-sentinel://127.0.0.1:" + port + "/mymaster"),
                         namespace, Duration.ofSeconds(2), 5, Duration.ofSeconds(1), clock), viaSentinel);
                 SharedState b = SharedState.open(new SharedConfig(RedisUrl.parse("redis://127.0.0.1:6379"),
                         namespace, Duration.ofSeconds(2), 5, Duration.ofSeconds(1), clock), direct)) {
                String jti = UUID.randomUUID().toString();
                a.revoker().revoke(jti, Instant.now().plusSeconds(600));
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (!direct.isRevoked(jti) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertTrue(direct.isRevoked(jti), "the revocation made through Sentinel reached the other node");
                Await.until("up through Sentinel", () -> a.status().up());
            }
        } finally {
            sentinel.destroy();
            if (!sentinel.waitFor(10, TimeUnit.SECONDS)) {
                sentinel.destroyForcibly();
            }
            try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
                for (String key : jedis.keys("holdfast:" + namespace + ":*")) {
                    jedis.del(key);
                }
            }
        }
    }

    @Test
    void aNodeStartsWhileNoSentinelAnswersAndQueuesItsRevocations() throws Exception {
        Clock clock = Clock.systemUTC();
        RevocationList local = new RevocationList(clock);
        String url = "redis-sentinel://127.0.0.1:" + freePort() + ",127.0.0.1:" + freePort() + "/mymaster";
        try (SharedState alone = SharedState.open(new SharedConfig(RedisUrl.parse(url), "test-" + UUID.randomUUID(),
                Duration.ofMillis(250), 5, Duration.ofSeconds(1), clock), local)) {
            String jti = UUID.randomUUID().toString();
            alone.revoker().revoke(jti, Instant.now().plusSeconds(600));
            assertTrue(local.isRevoked(jti), "revoked on this node");
            SharedStatus status = alone.status();
            assertFalse(status.up(), "reported down");
            assertEquals(1, status.pending(), "queued for when a Sentinel answers");
        }
    }

    @Test
    void whileOneCallAsksBlackholedSentinelsTheOthersDoNotQueueBehindIt() throws Exception {
        Clock clock = Clock.systemUTC();
        try (FaultProxy first = FaultProxy.start("127.0.0.1", freePort());
             FaultProxy second = FaultProxy.start("127.0.0.1", freePort())) {
            first.blackhole();
            second.blackhole();
            String url = "redis-sentinel://" + first.host() + ":" + first.port() + "," + second.host() + ":" + second.port() + "/mymaster";
            // A deadline far longer than this test needs: the first call is still asking while the second returns.
            RedisCalls calls = new RedisCalls(new SharedConfig(RedisUrl.parse(url), "test-" + UUID.randomUUID(),
                    Duration.ofSeconds(60), 5, Duration.ofSeconds(1), clock));
            try {
                CompletableFuture<Optional<String>> asking = CompletableFuture.supplyAsync(() -> calls.call("ping", Jedis::ping));
                Await.until("the first call reached a Sentinel", () -> first.acceptedConnections() > 0);
                assertEquals(Optional.empty(), calls.call("ping", Jedis::ping), "no pool yet: no answer");
                assertFalse(asking.isDone(), "returned while the first call still waits for a Sentinel");
                first.killAll();
                second.refuse();
                second.killAll();
                assertEquals(Optional.empty(), asking.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), "no Sentinel answered");
            } finally {
                calls.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitSentinel(int port) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                if (jedis.sentinelGetMasterAddrByName("mymaster") != null) {
                    return;
                }
            } catch (JedisException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Sentinel on port " + port + " did not name mymaster within " + PATIENCE);
            }
            Thread.sleep(50);
        }
    }
}
