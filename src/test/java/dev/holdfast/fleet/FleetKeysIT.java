package dev.holdfast.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Keys across a fleet of four JVMs without any shared store: two issuers running the WAR, each with its own copy
 * of the JWK Set file, and two verify-only nodes (the filter alone) following issuer A's
 * {@code /.well-known/jwks.json}. Verify-only nodes outlive the issuer they follow; a key is rotated under a
 * constant stream of calls with exactly the commands and steps of docs/operations.md, and no valid token is ever
 * refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetKeysIT {
    private static final Pattern KID = Pattern.compile("\"kid\":\"([^\"]+)\"");
    private static final Pattern ADDED_KID = Pattern.compile("added kid (\\S+)");
    private static final Duration TTL_AND_SKEW = Duration.parse(Fleet.TTL).plus(Duration.parse(Fleet.CLOCK_SKEW));

    private final FleetClient client = new FleetClient();
    private Fleet fleet;
    private Path admin;
    private FleetNode issuerA;
    private FleetNode issuerB;
    private FleetNode verifierC;
    private FleetNode verifierD;

    @BeforeAll
    void startTheFleet() throws Exception {
        fleet = Fleet.named("keys");
        fleet.addUser("alice", "alice-password", "user");
        admin = Files.createDirectories(fleet.work().resolve("admin"));
        KeyCommand.run(admin.resolve("jwks.json"), "es256");
        issuerA = fleet.issuer("issuer-a", installed("issuer-a", "jwks.json"), Map.of());
        issuerB = fleet.issuer("issuer-b", installed("issuer-b", "jwks.json"), Map.of());
        verifierC = fleet.verifier("verifier-c", issuerA, Map.of());
        verifierD = fleet.verifier("verifier-d", issuerA, Map.of());
        fleet.start(issuerA, issuerB, verifierC, verifierD);
        client.awaitUp(issuerA);
        client.awaitUp(issuerB);
    }

    @AfterAll
    void stopTheFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    /**
     * The rotation of docs/operations.md, while logins go to both issuers and calls with their tokens to all four
     * nodes. The minute of step 3's wait is used for the other fleet property: issuer A, whose JWKS the
     * verify-only nodes follow, is stopped and started again, and they keep accepting its tokens throughout.
     */
    @Test
    void aKeyRotatedUnderLoadRefusesNoValidTokenAndVerifyOnlyNodesOutliveTheirIssuer() throws Exception {
        String oldKid = kidOf(admin.resolve("jwks.json"));
        try (TokenTraffic traffic = new TokenTraffic(client, List.of(issuerA, issuerB),
                List.of(issuerA, issuerB, verifierC, verifierD), "alice", "alice-password").start()) {
            traffic.awaitCallsEverywhere(oldKid, 5);

            // Step 1: the new key goes last in the set on every node; it verifies, nothing is signed with it.
            Matcher added = ADDED_KID.matcher(KeyCommand.run(admin.resolve("jwks-1.json"), "add", "es256",
                    admin.resolve("jwks.json").toString()));
            assertTrue(added.find(), "add names the new kid");
            String newKid = added.group(1);
            rollOut(traffic, "jwks-1.json");
            assertTrue(jwks(issuerA).contains(newKid), jwks(issuerA));

            // Step 2: once every node has it, it moves first on every node and signs from each node's restart.
            KeyCommand.run(admin.resolve("jwks-2.json"), "promote", newKid, admin.resolve("jwks-1.json").toString());
            Instant lastNodeSwitched = rollOut(traffic, "jwks-2.json");
            traffic.awaitCallsEverywhere(newKid, 5);

            // Step 3 waits jwt.ttl plus jwt.clockSkew after the last node switched; meanwhile the JWKS source stops.
            Instant oldKeyDone = lastNodeSwitched.plus(TTL_AND_SKEW);
            verifyOnlyNodesOutliveTheirIssuer(traffic);
            Instant lastOldToken = traffic.lastExpiryOf(oldKid);
            assertFalse(lastOldToken.isAfter(oldKeyDone), "no old-key token outlives the wait: " + lastOldToken);
            Wait.until(() -> Instant.now().isAfter(oldKeyDone), TTL_AND_SKEW.plusMinutes(1), "the old key's last token expired");
            KeyCommand.run(admin.resolve("jwks-3.json"), "retire", oldKid, admin.resolve("jwks-2.json").toString());
            rollOut(traffic, "jwks-3.json");
            traffic.awaitCallsEverywhere(newKid, 5);
            assertFalse(jwks(issuerA).contains(oldKid), jwks(issuerA));

            traffic.close();
            System.out.println("key rotation under load: " + traffic);
            assertEquals(List.of(), traffic.failures(), traffic.toString());
            for (FleetNode node : List.of(issuerA, issuerB, verifierC, verifierD)) {
                assertTrue(traffic.ok(node, oldKid) > 0 && traffic.ok(node, newKid) > 0, node.name() + ": " + traffic);
            }
        }
    }

    /** Issuer A stops (out of the load balancer first) and starts again; C and D accept its tokens throughout. */
    private void verifyOnlyNodesOutliveTheirIssuer(TokenTraffic traffic) throws Exception {
        FleetClient.Token unseen = client.token(issuerA, "alice", "alice-password");
        traffic.drain(issuerA);
        issuerA.stop();
        assertThrows(IOException.class, () -> client.call(issuerA.uri("/.well-known/jwks.json"), "unused"),
                "the JWKS URL does not answer while its issuer is stopped");
        assertAccepted(unseen, verifierC, verifierD);
        traffic.awaitCallsEverywhereBut(issuerA, 5);

        issuerA.start();
        client.awaitUp(issuerA);
        traffic.admit(issuerA);
        assertAccepted(client.token(issuerA, "alice", "alice-password"), verifierC, verifierD, issuerB);
        assertAccepted(unseen, verifierC, verifierD, issuerA, issuerB);
    }

    /**
     * Installs the admin's {@code file} as each issuer's key set and restarts the issuers one at a time, each
     * out of the load balancer from before it stops until its health says UP again. Returns when the last issuer stopped signing with its old set.
     */
    private Instant rollOut(TokenTraffic traffic, String file) throws Exception {
        Instant lastStopped = null;
        for (FleetNode issuer : List.of(issuerA, issuerB)) {
            installed(issuer.name(), file);
            traffic.drain(issuer);
            lastStopped = Instant.now();
            issuer.restart();
            client.awaitUp(issuer);
            traffic.admit(issuer);
        }
        return lastStopped;
    }

    /** Copies the admin's key file to the issuer's own {@code jwks.json} (what its holdfast.jwt.keys names). */
    private Path installed(String issuer, String file) throws IOException {
        Path target = Files.createDirectories(fleet.work().resolve(issuer)).resolve("jwks.json");
        Files.copy(admin.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    private String jwks(FleetNode node) throws Exception {
        FleetClient.Answer answer = client.call(node.uri("/.well-known/jwks.json"), "unused");
        assertEquals(200, answer.status(), answer.toString());
        return answer.body();
    }

    private void assertAccepted(FleetClient.Token token, FleetNode... nodes) throws Exception {
        for (FleetNode node : nodes) {
            FleetClient.Answer answer = client.call(node, token);
            assertEquals(200, answer.status(), node.name() + " refused " + token + ": " + answer);
        }
    }

    private static String kidOf(Path jwks) throws IOException {
        Matcher kid = KID.matcher(Files.readString(jwks));
        assertTrue(kid.find(), "a kid in " + jwks);
        return kid.group(1);
    }
}
