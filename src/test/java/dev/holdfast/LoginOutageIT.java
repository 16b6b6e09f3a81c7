package dev.holdfast;

import static dev.holdfast.LoginHarness.assertCached;
import static dev.holdfast.LoginHarness.assertInvalid;
import static dev.holdfast.LoginHarness.assertUnavailable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every kind of database outage, caused for real between the pool and PostgreSQL, against the built WAR over
 * real HTTP: what each user gets, how long the worst login takes, that logins come back to the database tier
 * afterwards, that the credential tier follows the database, and that every attempt leaves its audit row.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginOutageIT {
    private static final Duration MAX_WAIT = Duration.ofMillis(200);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration OPEN_FOR = Duration.ofSeconds(3);
    /** The hang guard: the settings' deadline plus a generous margin for a 2-core machine; not a speed test. */
    static final long BOUND_MILLIS = MAX_WAIT.plus(QUERY_TIMEOUT).toMillis() + 3000;
    /** Once the breaker is open a login costs the (cheap) hash and the HTTP round trip only. */
    static final long OPEN_BOUND_MILLIS = 500;
    static final String SETTINGS = "db.maxWait=PT0.2S db.queryTimeout=PT1S breaker.failures=3 breaker.openFor=PT3S"
            + " db.maxTotal=10, bcrypt cost 4; bound " + BOUND_MILLIS + " ms";

    private static final LoginHarness http = new LoginHarness();
    private static final LoginHarness.Worst worst = new LoginHarness.Worst();
    private static final AtomicInteger unique = new AtomicInteger();
    private static TestDatabase database;
    private static String url;
    private static FaultProxy proxy;
    private static EmbeddedJetty jetty;

    @BeforeAll
    static void deploy() throws IOException {
        database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("outage");
        // A switchable slow query: the credential query sleeps as long as slowdown says (a real pg_sleep).
        database.execute(url, "CREATE TABLE slowdown (seconds float8 NOT NULL); INSERT INTO slowdown VALUES (0)");
        database.insertUser(url, "alice", LoginHarness.cheapHash("alice-password"), "user", true);
        proxy = FaultProxy.inFrontOf(database);
        jetty = settings(LoginHarness.builder(proxy.wrap(url), "holdfast-outage")).start();
        http.use(jetty);
    }

    static EmbeddedJetty.Builder settings(EmbeddedJetty.Builder builder) {
        // The users are hashed at cost 4: so is the work an unknown user costs (one cost model).
        return builder.contextParameter("holdfast.password.bcryptCost", "4")
                .contextParameter("holdfast.db.maxWait", "PT0.2S")
                .contextParameter("holdfast.db.queryTimeout", "PT1S")
                .contextParameter("holdfast.breaker.failures", "3")
                .contextParameter("holdfast.breaker.openFor", "PT3S")
                .contextParameter("holdfast.login.maxFailures", "1000")
                .contextParameter("holdfast.login.maxClientFailures", "100000")
                .contextParameter("holdfast.sql.user", "SELECT id, username, password_hash, roles, enabled FROM users"
                        + " CROSS JOIN (SELECT pg_sleep(seconds) FROM slowdown) AS s WHERE username = ?");
    }

    @AfterAll
    static void undeploy() {
        LoginHarness.writeLatencies("LoginOutageIT", SETTINGS, worst.snapshot());
        if (jetty != null) {
            jetty.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @BeforeEach
    void databaseAnswersAndAliceIsCached() {
        proxy.pass();
        slowdown(0);
        recovered("before");
    }

    private static void slowdown(double seconds) {
        database.execute(url, "UPDATE slowdown SET seconds = " + seconds);
    }

    /** A user in the database who has never logged in here, so the credential tier does not know them. */
    private static String uncachedUser() {
        String name = "uncached-" + unique.incrementAndGet();
        database.insertUser(url, name, LoginHarness.cheapHash(name + "-password"), "user", true);
        return name;
    }

    /** Logins come back to the database tier; returns how long that took from now. */
    private static long recovered(String fault) {
        long start = System.nanoTime();
        boolean back = LoginHarness.eventually(Duration.ofSeconds(15), () -> {
            Answer answer = http.jsonLogin("alice", "alice-password");
            assertTrue(answer.millis() <= BOUND_MILLIS, "after " + fault + ": " + answer);
            return answer.status() == 200 && answer.tier().equals("database");
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(back, "logins did not come back to the database tier after " + fault);
        return millis;
    }

    /**
     * While the fault lasts: the cached user gets {@code 200 tier=cache}, a wrong password on them {@code 401},
     * an uncached user {@code 503} with Retry-After; each within the bound; and once the breaker has opened, each
     * near the hash time.
     */
    private static void duringOutage(String fault) {
        String stranger = uncachedUser();
        for (int round = 0; round < 4; round++) {
            assertCached(timed(fault, http.jsonLogin("alice", "alice-password")));
            assertInvalid(timed(fault, http.jsonLogin("alice", "not-alices-password")));
            assertUnavailable(timed(fault, http.jsonLogin(stranger, stranger + "-password")));
        }
        // By now the breaker has seen at least three failures: every answer comes without asking the database.
        for (int round = 0; round < 2; round++) {
            for (Answer answer : List.of(http.jsonLogin("alice", "alice-password"), http.jsonLogin("alice", "not-alices-password"),
                    http.jsonLogin(stranger, stranger + "-password"))) {
                worst.record(fault + ", breaker open", answer);
                assertTrue(answer.millis() <= OPEN_BOUND_MILLIS, fault + ", breaker open: " + answer);
                assertTrue(answer.status() == 200 || answer.status() == 401 || answer.status() == 503, answer.toString());
            }
        }
        Answer health = http.get("/auth/health");
        assertEquals(200, health.status(), health.toString());
        assertTrue(health.body().contains("\"status\":\"DEGRADED\""), health.toString());
    }

    private static Answer timed(String fault, Answer answer) {
        worst.record(fault, answer);
        assertTrue(answer.millis() <= BOUND_MILLIS, fault + ": worst allowed " + BOUND_MILLIS + " ms, got " + answer);
        return answer;
    }

    /** After the fault: back to the database tier, the stranger can log in, every attempt has its audit row. */
    private static void afterRecovery(String fault) {
        long millis = recovered(fault);
        worst.record(fault + ", back to tier=database after", new Answer(0, "", java.util.Map.of(), millis));
        String stranger = uncachedUser();
        Answer answer = http.jsonLogin(stranger, stranger + "-password");
        assertEquals(200, answer.status(), answer.toString());
        assertEquals("database", answer.tier());
        http.assertAllAudited(url, Duration.ofSeconds(15));
        // No connection leaks out of the pools through the fault: the server holds at most db.maxTotal sessions
        // for logins plus the spool pool's 2 for replays.
        String sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(10), () -> LoginHarness.count(url, sessions) <= 10 + 2),
                () -> fault + ": server sessions of the pool " + LoginHarness.count(url, sessions));
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void refusedConnectionsServeTheTierAndRecover() {
        proxy.refuse();
        proxy.killAll(); // the server went away: its pooled connections are gone too
        duringOutage("refused");
        proxy.pass();
        afterRecovery("refused");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void blackholedDatabaseServesTheTierWithinTheDeadlineAndRecovers() {
        proxy.blackhole();
        duringOutage("blackholed");
        proxy.pass();
        afterRecovery("blackholed");
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void slowQueryLongerThanTheQueryTimeoutServesTheTierAndRecovers() {
        slowdown(3); // pg_sleep(3) in the credential query, against db.queryTimeout=PT1S
        // Only the credential query is slow; the rest of the database answers. The spools replay through their
        // own pool, so their successes do not hide the failing logins and the login breaker opens.
        duringOutage("slow query (pg_sleep 3 s)");
        slowdown(0);
        afterRecovery("slow query (pg_sleep 3 s)");
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void slowNetworkServesTheTierAndRecovers() {
        proxy.delay(Duration.ofSeconds(2)); // every packet 2 s late
        duringOutage("slow network (2 s per packet)");
        proxy.pass();
        afterRecovery("slow network (2 s per packet)");
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void connectionDroppedWhileALoginIsInFlight() throws Exception {
        String stranger = uncachedUser();
        slowdown(0.8); // keeps the queries on the wire long enough to cut them
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            Future<Answer> cached = clients.submit(() -> http.jsonLogin("alice", "alice-password"));
            Future<Answer> wrong = clients.submit(() -> http.jsonLogin("alice", "not-alices-password"));
            Future<Answer> uncached = clients.submit(() -> http.jsonLogin(stranger, stranger + "-password"));
            Thread.sleep(400);
            proxy.drop(); // RST on every live connection, mid-query; new ones are reset at once
            assertCached(timed("dropped mid-query", cached.get()));
            assertInvalid(timed("dropped mid-query", wrong.get()));
            assertUnavailable(timed("dropped mid-query", uncached.get()));
        } finally {
            clients.shutdownNow();
        }
        duringOutage("dropped mid-query");
        slowdown(0);
        proxy.pass();
        afterRecovery("dropped mid-query");
    }

    @Test
    @org.junit.jupiter.api.Order(6)
    void killedPooledConnectionsAreReplacedWithoutFailingALogin() throws Exception {
        // Fill the pool with several idle connections first.
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<Answer>> warm = new ArrayList<>();
            slowdown(0.2);
            for (int i = 0; i < 6; i++) {
                warm.add(clients.submit(() -> http.jsonLogin("alice", "alice-password")));
            }
            for (Future<Answer> answer : warm) {
                assertEquals(200, answer.get().status());
            }
            slowdown(0);
            int killed = database.terminateConnections(url);
            assertTrue(killed >= 2, "pooled sessions ended: " + killed);
            String stranger = uncachedUser();
            List<Future<Answer>> after = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String user = i % 2 == 0 ? "alice" : stranger;
                after.add(clients.submit(() -> http.jsonLogin(user, user + "-password")));
            }
            for (Future<Answer> future : after) {
                Answer answer = timed("killed pooled connections (pg_terminate_backend)", future.get());
                // The pool validates on borrow and reconnects: the database still answers every login.
                assertEquals(200, answer.status(), answer.toString());
                assertEquals("database", answer.tier(), answer.toString());
            }
        } finally {
            clients.shutdownNow();
        }
        afterRecovery("killed pooled connections (pg_terminate_backend)");
    }

    @Test
    @org.junit.jupiter.api.Order(7)
    void poolExhaustedByConcurrentLoginsAnswersEveryoneWithinTheBound() throws Exception {
        String stranger = uncachedUser();
        slowdown(0.8); // each query holds its connection 0.8 s; 40 logins at once against 10 connections
        ExecutorService clients = Executors.newFixedThreadPool(40);
        List<Future<Answer>> alice = new ArrayList<>();
        List<Future<Answer>> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                alice.add(clients.submit(() -> http.jsonLogin("alice", "alice-password")));
                strangers.add(clients.submit(() -> http.jsonLogin(stranger, stranger + "-password")));
            }
            int fromCache = 0;
            int unavailable = 0;
            for (Future<Answer> future : alice) {
                Answer answer = timed("pool exhausted (40 concurrent, 0.8 s queries)", future.get());
                assertEquals(200, answer.status(), answer.toString());
                assertTrue(Set.of("database", "cache").contains(answer.tier()), answer.toString());
                fromCache += answer.tier().equals("cache") ? 1 : 0;
            }
            for (Future<Answer> future : strangers) {
                Answer answer = timed("pool exhausted (40 concurrent, 0.8 s queries)", future.get());
                assertTrue(answer.status() == 200 || answer.status() == 503, answer.toString());
                unavailable += answer.status() == 503 ? 1 : 0;
            }
            assertTrue(fromCache > 0, "logins beyond the pool were served from the tier");
            assertTrue(unavailable > 0, "logins beyond the pool for an uncached user got 503");
        } finally {
            clients.shutdownNow();
        }
        slowdown(0);
        afterRecovery("pool exhausted (40 concurrent, 0.8 s queries)");
    }

    @Test
    @org.junit.jupiter.api.Order(8)
    void theDatabaseRefreshesTheTierWhileItAnswers() {
        PasswordsInDatabase users = new PasswordsInDatabase();
        // dave changes his password and logs in with the new one; erin's changes and she tries the old one;
        // frank is deleted and gina disabled after each logged in once.
        for (String name : List.of("dave", "erin", "frank", "gina")) {
            users.create(name, name + "-old");
            assertEquals("database", http.jsonLogin(name, name + "-old").tier());
        }
        users.change("dave", "dave-new");
        users.change("erin", "erin-new");
        database.execute(url, "DELETE FROM users WHERE username = 'frank'");
        database.execute(url, "UPDATE users SET enabled = false WHERE username = 'gina'");
        assertEquals("database", http.jsonLogin("dave", "dave-new").tier());
        assertInvalid(http.jsonLogin("erin", "erin-old"));
        assertInvalid(http.jsonLogin("frank", "frank-old"));
        assertInvalid(http.jsonLogin("gina", "gina-old"));

        proxy.blackhole();
        assertInvalid(timed("blackholed (tier refresh)", http.jsonLogin("dave", "dave-old")));
        assertCached(timed("blackholed (tier refresh)", http.jsonLogin("dave", "dave-new")));
        assertInvalid(timed("blackholed (tier refresh)", http.jsonLogin("erin", "erin-old")));
        assertCached(timed("blackholed (tier refresh)", http.jsonLogin("erin", "erin-new")));
        assertUnavailable(timed("blackholed (tier refresh)", http.jsonLogin("frank", "frank-old")));
        assertUnavailable(timed("blackholed (tier refresh)", http.jsonLogin("gina", "gina-old")));
        proxy.pass();
        afterRecovery("blackholed (tier refresh)");
    }

    @Test
    @org.junit.jupiter.api.Order(9)
    void databaseDownAtStartupDeploysAndRecovers() throws IOException {
        String startupUrl = database.createDatabaseWithSchema("outage_startup");
        database.execute(startupUrl, "CREATE TABLE slowdown (seconds float8 NOT NULL); INSERT INTO slowdown VALUES (0)");
        database.insertUser(startupUrl, "alice", LoginHarness.cheapHash("alice-password"), "user", true);
        LoginHarness second = new LoginHarness();
        try (FaultProxy down = FaultProxy.inFrontOf(database)) {
            down.blackhole();
            long start = System.nanoTime();
            try (EmbeddedJetty jetty = settings(LoginHarness.builder(down.wrap(startupUrl), "holdfast-startup")).start()) {
                long deployMillis = (System.nanoTime() - start) / 1_000_000;
                worst.record("down at startup: deploy while blackholed", new Answer(0, "", java.util.Map.of(), deployMillis));
                assertTrue(deployMillis < 30_000, "the deploy does not wait for the database: " + deployMillis + " ms");
                second.use(jetty);
                String fault = "down at startup (blackholed, then refused)";
                for (int round = 0; round < 4; round++) {
                    // Nobody is in the tier of a fresh deploy: everyone gets an honest 503.
                    Answer answer = second.jsonLogin("alice", "alice-password");
                    worst.record(fault, answer);
                    assertTrue(answer.millis() <= BOUND_MILLIS, answer.toString());
                    assertUnavailable(answer);
                }
                Answer health = second.get("/auth/health");
                assertEquals(503, health.status(), health.toString());
                assertTrue(health.body().contains("\"status\":\"DOWN\""), health.toString());
                down.refuse();
                Answer refused = second.jsonLogin("alice", "alice-password");
                worst.record(fault, refused);
                assertUnavailable(refused);

                down.pass();
                long recoveryStart = System.nanoTime();
                assertTrue(LoginHarness.eventually(Duration.ofSeconds(15),
                        () -> second.jsonLogin("alice", "alice-password").tier().equals("database")),
                        () -> "logins come back after a start without the database; direct: " + directly(down.wrap(startupUrl)));
                worst.record(fault + ", back to tier=database after",
                        new Answer(0, "", java.util.Map.of(), (System.nanoTime() - recoveryStart) / 1_000_000));
                assertEquals(200, second.get("/auth/health").status());
                second.assertAllAudited(startupUrl, Duration.ofSeconds(15));
            }
        }
    }

    private static String directly(String jdbcUrl) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl)) {
            return "connects; sessions " + LoginHarness.count(jdbcUrl, "SELECT count(*) FROM pg_stat_activity");
        } catch (java.sql.SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }

    /** Changes users' hashes directly in the database, as an admin tool would. */
    private static final class PasswordsInDatabase {
        void create(String name, String password) {
            database.insertUser(url, name, LoginHarness.cheapHash(password), "user", true);
        }

        void change(String name, String password) {
            database.execute(url, "UPDATE users SET password_hash = '" + LoginHarness.cheapHash(password)
                    + "' WHERE username = '" + name + "'");
        }
    }
}
