package dev.holdfast.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.FaultProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three nodes running the WAR and a verify-only node (the filter alone, following node A's JWKS), each its own JVM, on one PostgreSQL and one Redis (127.0.0.1:6379), each behind a
 * {@link FaultProxy}, sharing state through {@code holdfast.shared.redisUrl}: a logout on one node is refused on
 * the others (the verify-only node included), failures spread over the nodes lock the account, every node keeps serving while Redis is
 * blackholed, a logout made meanwhile holds everywhere once Redis is back, and with the database blackholed a
 * user verified on one node logs in on the others from the shared credential tier.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetSharedIT {
    /** Generous deadlines: they bound a wait for what must happen, and are never what is measured. */
    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(60);

    private final FleetClient client = new FleetClient();
    private Fleet fleet;
    private FaultProxy redis;
    private FleetNode nodeA;
    private FleetNode nodeB;
    private FleetNode nodeC;
    private FleetNode verifierD;

    @BeforeAll
    void startTheFleet() throws Exception {
        fleet = Fleet.named("shared");
        redis = FaultProxy.start("127.0.0.1", 6379);
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank")) {
            fleet.addUser(user, user + "-password", "user");
        }
        Path keys = fleet.work().resolve("jwks.json");
        KeyCommand.run(keys, "es256");
        // A namespace of this run's own: nothing another run left in Redis can meet these nodes. A blackholed
        // database costs a login at most db.maxWait + db.queryTimeout (5 s + 3 s) before the tiers answer.
        // Four Tomcats on a loaded machine: a Redis deadline of 2 s and a breaker opening after 5 failures, so
        // that one slow answer never drops a fleet count or a shared-tier record the assertions look for.
        Map<String, String> shared = Map.of("holdfast.shared.redisUrl", "redis://127.0.0.1:" + redis.port(),
                "holdfast.shared.namespace", "fleet-it-" + UUID.randomUUID().toString().substring(0, 8),
                "holdfast.shared.timeout", "PT2S", "holdfast.breaker.failures", "5",
                "holdfast.db.queryTimeout", "PT3S");
        nodeA = fleet.issuer("node-a", keys, shared);
        nodeB = fleet.issuer("node-b", keys, shared);
        nodeC = fleet.issuer("node-c", keys, shared);
        verifierD = fleet.verifier("verifier-d", nodeA, Map.of("holdfast.shared.redisUrl", shared.get("holdfast.shared.redisUrl"),
                "holdfast.shared.namespace", shared.get("holdfast.shared.namespace"),
                "holdfast.shared.timeout", shared.get("holdfast.shared.timeout")));
        fleet.start(nodeA, nodeB, nodeC, verifierD);
        for (FleetNode node : nodes()) {
            client.awaitUp(node);
        }
    }

    @AfterAll
    void stopTheFleet() {
        try {
            if (fleet != null) {
                fleet.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void aLogoutOnOneNodeIsRefusedOnTheOthers() throws Exception {
        FleetClient.Token token = client.token(nodeA, "alice", "alice-password");
        for (FleetNode node : everyNode()) {
            assertEquals(200, client.call(node, token).status(), node.name());
        }

        assertEquals(204, client.logout(nodeA, token).status());
        long loggedOut = System.nanoTime();
        awaitRefusedEverywhere(token);
        long millis = Duration.ofNanos(System.nanoTime() - loggedOut).toMillis();

        record("logout on node-a refused on node-b, node-c and verifier-d after " + millis + " ms (one logout, polled every 20 ms)");
    }

    @Test
    void failuresSpreadOverTheNodesLockTheAccount() throws Exception {
        List<FleetNode> turns = List.of(nodeA, nodeB, nodeC, nodeA, nodeB); // login.maxFailures is 5
        for (FleetNode node : turns) {
            assertEquals(401, client.login(node, "carol", "not-carols-password").status(), node.name());
        }
        for (FleetNode node : nodes()) {
            FleetClient.Answer locked = client.login(node, "carol", "carol-password");
            assertEquals(429, locked.status(), node.name() + ": " + locked);
        }
    }

    @Test
    void everyNodeServesWhileRedisIsBlackholedAndALogoutMadeMeanwhileHoldsOnceItIsBack() throws Exception {
        FleetClient.Token before = client.token(nodeB, "dave", "dave-password");
        redis.blackhole();
        try {
            for (FleetNode node : nodes()) {
                FleetClient.Token token = client.token(node, "bob", "bob-password");
                for (FleetNode other : everyNode()) {
                    assertEquals(200, client.call(other, token).status(), "a token of " + node.name() + " on " + other.name());
                }
                awaitHealth(node, "DEGRADED");
            }
            for (FleetNode node : everyNode()) {
                assertEquals(200, client.call(node, before).status(), node.name());
            }
            assertEquals(204, client.logout(nodeB, before).status());
            assertEquals(401, client.call(nodeB, before).status(), "refused at once where it was logged out");
        } finally {
            redis.pass();
        }
        awaitRefusedEverywhere(before);
        for (FleetNode node : nodes()) {
            awaitHealth(node, "UP");
        }
    }

    @Test
    void withTheDatabaseBlackholedAUserVerifiedOnOneNodeLogsInOnTheOthersFromTheSharedTier() throws Exception {
        FleetClient.Answer verified = client.login(nodeA, "erin", "erin-password");
        assertTrue(verified.status() == 200 && verified.body().contains("\"tier\":\"database\""), verified.toString());
        fleet.postgres().blackhole();
        try {
            for (FleetNode node : List.of(nodeB, nodeC)) {
                FleetClient.Answer login = client.login(node, "erin", "erin-password");
                assertEquals(200, login.status(), node.name() + ": " + login);
                assertTrue(login.body().contains("\"tier\":\"cache\""), node.name() + ": " + login);
            }
            FleetClient.Answer wrong = client.login(nodeC, "erin", "not-erins-password");
            assertEquals(401, wrong.status(), "the shared copy checks the password: " + wrong);
            FleetClient.Answer unknown = client.login(nodeB, "frank", "frank-password");
            assertEquals(503, unknown.status(), "no node verified frank: " + unknown);
        } finally {
            fleet.postgres().pass();
        }
        for (FleetNode node : nodes()) {
            awaitHealth(node, "UP");
        }
    }

    /** The nodes that log users in (and answer health). */
    private List<FleetNode> nodes() {
        return List.of(nodeA, nodeB, nodeC);
    }

    private List<FleetNode> everyNode() {
        return List.of(nodeA, nodeB, nodeC, verifierD);
    }

    private void awaitRefusedEverywhere(FleetClient.Token token) throws InterruptedException {
        for (FleetNode node : everyNode()) {
            Wait.until(() -> answer(node, token).status() == 401, PROPAGATION_BOUND, node.name() + " refuses " + token);
            assertTrue(answer(node, token).challenge().contains("revoked"), answer(node, token).toString());
        }
    }

    private void awaitHealth(FleetNode node, String status) throws InterruptedException {
        Wait.until(() -> {
            try {
                return client.health(node).body().startsWith("{\"status\":\"" + status + "\"");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }, PROPAGATION_BOUND, () -> node.name() + " health " + status + ", is: " + health(node));
    }

    private String health(FleetNode node) {
        try {
            return client.health(node).toString();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private FleetClient.Answer answer(FleetNode node, FleetClient.Token token) {
        try {
            return client.call(node, token);
        } catch (IOException e) {
            return new FleetClient.Answer(-1, e.toString(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FleetClient.Answer(-1, "interrupted", "");
        }
    }

    /** Prints a measured figure and keeps it in {@code target/fleet/shared/figures.txt}. */
    private static void record(String figure) throws IOException {
        System.out.println(figure);
        Path figures = Paths.get("target", "fleet", "shared", "figures.txt");
        Files.createDirectories(figures.getParent());
        Files.writeString(figures, figure + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
