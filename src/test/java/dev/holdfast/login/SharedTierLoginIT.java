package dev.holdfast.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import dev.holdfast.audit.AuditLog;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.credential.InMemorySharedCredentialStore;
import dev.holdfast.credential.SqlCredentialStore;
import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSettings;
import dev.holdfast.password.HashPolicy;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, each with its own pool, breaker and tier (under its own local key), sharing one credential store and
 * one shared key, against real PostgreSQL behind a fault proxy: a user the database verified on node A logs in on
 * node B while the database is blackholed, and a user the database disables on B is gone from the fleet's tier.
 */
class SharedTierLoginIT {
    private static final Duration MAX_WAIT = Duration.ofMillis(200);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    private static final String CLIENT = "192.0.2.20";
    private static final SecureRandom random = new SecureRandom();

    private final Clock clock = Clock.systemUTC();
    private final InMemorySharedCredentialStore store = new InMemorySharedCredentialStore(clock);
    private final byte[] sharedKey = randomKey();
    private final PasswordVerifier passwords = new PasswordVerifier(HashPolicy.DEFAULT.withBcryptCost(4));
    private final List<AutoCloseable> opened = new ArrayList<>();
    private FaultProxy proxy;
    private String url;
    private LoginService nodeA;
    private LoginService nodeB;

    @BeforeEach
    void start() throws Exception {
        url = TestDatabase.shared().createDatabaseWithSchema("sharedtier");
        TestDatabase.shared().insertUser(url, "alice", passwords.hash("alice-password".toCharArray()), "user,admin", true);
        TestDatabase.shared().insertUser(url, "bob", passwords.hash("bob-password".toCharArray()), "user", true);
        proxy = FaultProxy.inFrontOf(TestDatabase.shared());
        nodeA = node("a");
        nodeB = node("b");
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close(); // first: a blackholed connection then fails at once instead of holding its worker
        for (AutoCloseable part : opened) {
            part.close();
        }
    }

    private LoginService node(String name) {
        Breaker breaker = new Breaker("shared-" + name, 3, Duration.ofSeconds(3), Duration.ofMillis(200), clock);
        GuardedDatabase database = track(GuardedDatabase.open(new PoolSettings("shared-" + name, proxy.wrap(url), null,
                null, 2, MAX_WAIT, QUERY_TIMEOUT), breaker, clock));
        CredentialTier tier = track(new CredentialTier(Duration.ofHours(12), 100, Optional.empty(), randomKey(), clock,
                Optional.of(store), sharedKey));
        return new LoginService(new SqlCredentialStore(database, SqlCredentialStore.DEFAULT_QUERY, tier::canAnswer, clock),
                tier, passwords, new Throttle(5, 50, Duration.ofMinutes(5), clock), mock(AuditLog.class), Tier.DATABASE,
                Tier.CACHE, Duration.ofSeconds(3), clock);
    }

    private <T extends AutoCloseable> T track(T part) {
        opened.add(0, part);
        return part;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    private static LoginOutcome login(LoginService node, String user, String password) {
        return node.login(user, password.toCharArray(), CLIENT);
    }

    @Test
    void aUserVerifiedOnNodeALogsInOnNodeBFromTheSharedTierWhileTheDatabaseIsBlackholed() {
        LoginOutcome onA = login(nodeA, "alice", "alice-password");
        assertEquals(LoginOutcome.Kind.SUCCESS, onA.kind());
        assertEquals(Optional.of(Tier.DATABASE), onA.tier());

        proxy.blackhole();
        LoginOutcome onB = login(nodeB, "alice", "alice-password");
        assertEquals(LoginOutcome.Kind.SUCCESS, onB.kind(), onB.toString());
        assertEquals(Optional.of(Tier.CACHE), onB.tier());
        assertEquals(List.of("user", "admin"), onB.user().orElseThrow().roles());
        assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, login(nodeB, "alice", "wrong-password").kind());
        assertEquals(LoginOutcome.Kind.UNAVAILABLE, login(nodeB, "bob", "bob-password").kind(),
                "bob was verified nowhere");

        proxy.pass();
        assertEquals(Tier.DATABASE, untilTheDatabaseAnswers(nodeB, "alice", "alice-password"));
    }

    @Test
    void aUserTheDatabaseDisablesOnNodeBIsGoneFromTheSharedTierAndAReplayIsRefused() {
        assertEquals(LoginOutcome.Kind.SUCCESS, login(nodeA, "alice", "alice-password").kind());
        byte[] beforeDisable = store.raw("alice").orElseThrow();

        TestDatabase.shared().execute(url, "UPDATE users SET enabled = false WHERE username = 'alice'");
        assertEquals(LoginOutcome.Kind.INVALID_CREDENTIALS, login(nodeB, "alice", "alice-password").kind());
        assertEquals(Optional.empty(), store.raw("alice"), "the database overrides the shared tier at once");

        store.write("alice", beforeDisable); // whoever can write the store puts the old entry back
        proxy.blackhole();
        assertEquals(LoginOutcome.Kind.UNAVAILABLE, login(nodeB, "alice", "alice-password").kind(),
                "node B heard the database disable her: the older entry is refused");
    }

    /** Logs in until the database, not the tier, answers (the breaker lets a probe through within its openFor). */
    private static Tier untilTheDatabaseAnswers(LoginService node, String user, String password) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            LoginOutcome outcome = login(node, user, password);
            assertEquals(LoginOutcome.Kind.SUCCESS, outcome.kind(), outcome.toString());
            Tier tier = outcome.tier().orElseThrow();
            if (tier == Tier.DATABASE || System.nanoTime() > deadline) {
                return tier;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
