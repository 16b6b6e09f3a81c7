package dev.holdfast;

import static dev.holdfast.LoginHarness.assertCached;
import static dev.holdfast.LoginHarness.assertInvalid;
import static dev.holdfast.LoginHarness.assertUnavailable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
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
    static final String SETTINGS = "db.maxWait=PT0.2S db.queryTimeout=PT1S breaker.failures=3 breaker.openFor=PT3S"
            + " db.maxTotal=10, bcrypt cost 4; bound " + BOUND_MILLIS + " ms (\"defaults\": db.maxWait=PT1S"
            + " db.queryTimeout=PT2S breaker.failures=1000 breaker.probeWait=PT0.2S, bcrypt cost 10)";

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
     * an uncached user {@code 503} with Retry-After; each within the bound; and the main breaker has opened.
     *
     * @param healthProbeAnswers whether the health probe's {@code SELECT 1} gets through this fault (a slow
     *                           credential query only): then health may show the database UP and the breaker
     *                           closed again by that probe, as docs/outages.md says
     */
    private static void duringOutage(String fault, boolean healthProbeAnswers) {
        String stranger = uncachedUser();
        for (int round = 0; round < 4; round++) {
            assertCached(timed(fault, http.jsonLogin("alice", "alice-password")));
            assertInvalid(timed(fault, http.jsonLogin("alice", "not-alices-password")));
            assertUnavailable(timed(fault, http.jsonLogin(stranger, stranger + "-password")));
        }
        // By now the breaker has seen at least three failures in a row (the stranger's logins, which have no
        // other way to an answer, each ask the database): it has opened, and nothing answered since.
        for (int round = 0; round < 2; round++) {
            for (Answer answer : List.of(http.jsonLogin("alice", "alice-password"), http.jsonLogin("alice", "not-alices-password"),
                    http.jsonLogin(stranger, stranger + "-password"))) {
                timed(fault + ", breaker open", answer);
                assertTrue(answer.status() == 200 || answer.status() == 401 || answer.status() == 503, answer.toString());
            }
        }
        Answer health = http.get("/auth/health");
        assertEquals(200, health.status(), health.toString());
        if (healthProbeAnswers && health.body().contains("\"status\":\"UP\"")) {
            assertEquals("CLOSED", mainBreaker(health.body()), health.toString());
        } else {
            assertTrue(health.body().contains("\"status\":\"DEGRADED\""), health.toString());
            assertTrue(Set.of("OPEN", "HALF_OPEN").contains(mainBreaker(health.body())), health.toString());
        }
    }

    /** The main pool's breaker state in the health JSON. */
    private static String mainBreaker(String healthJson) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"breaker\":\"([A-Z_]+)\"")
                .matcher(healthJson);
        int main = healthJson.indexOf("\"main\":");
        assertTrue(main >= 0 && matcher.find(main), healthJson);
        return matcher.group(1);
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
        duringOutage("refused", false);
        proxy.pass();
        afterRecovery("refused");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void blackholedDatabaseServesTheTierWithinTheDeadlineAndRecovers() {
        proxy.blackhole();
        duringOutage("blackholed", false);
        proxy.pass();
        afterRecovery("blackholed");
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void slowQueryLongerThanTheQueryTimeoutServesTheTierAndRecovers() {
        slowdown(3); // pg_sleep(3) in the credential query, against db.queryTimeout=PT1S
        // Only the credential query is slow; the rest of the database answers. The spools replay through their
        // own pool, so their successes do not hide the failing logins and the login breaker opens.
        duringOutage("slow query (pg_sleep 3 s)", true);
        slowdown(0);
        afterRecovery("slow query (pg_sleep 3 s)");
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void slowNetworkServesTheTierAndRecovers() {
        proxy.delay(Duration.ofSeconds(2)); // every packet 2 s late
        duringOutage("slow network (2 s per packet)", false);
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
            // All three credential queries are running in PostgreSQL (each sleeps 0.8 s there): cut them now.
            String sleeping = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()";
            assertTrue(LoginHarness.eventually(Duration.ofSeconds(10), () -> LoginHarness.count(url, sleeping) >= 3),
                    "the three logins' queries reached the database");
            proxy.drop(); // RST on every live connection, mid-query; new ones are reset at once
            assertCached(timed("dropped mid-query", cached.get()));
            assertInvalid(timed("dropped mid-query", wrong.get()));
            assertUnavailable(timed("dropped mid-query", uncached.get()));
        } finally {
            clients.shutdownNow();
        }
        duringOutage("dropped mid-query", false);
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

    /**
     * With the shipped deadline ({@code db.maxWait=PT1S}, {@code db.queryTimeout=PT2S}: 3 s) and a breaker that
     * would need 1000 failures to open, a blackhole costs a cached user one deadline, not one per login: after the
     * first timeout their logins are answered from the tier after at most {@code breaker.probeWait}, while one
     * probe at a time finds out whether the database answers again. Users the tier cannot answer still wait for
     * the database (it is their only way in). The hash is bcrypt cost 10 here, so the figures show it.
     */
    @Test
    @org.junit.jupiter.api.Order(10)
    void aBlackholeCostsACachedUserOneDeadlineNotOnePerLogin() throws IOException {
        String learnUrl = database.createDatabaseWithSchema("outage_learn");
        String hash = BcryptFunction.getInstance(Bcrypt.B, 10).hash("learner-password").getResult();
        database.insertUser(learnUrl, "learner", hash, "user", true);
        database.insertUser(learnUrl, "newcomer", LoginHarness.cheapHash("newcomer-password"), "user", true);
        worst.record("defaults, blackholed: bcrypt cost 10 check in the test JVM (median of 5)",
                new Answer(0, "", java.util.Map.of(), hashMillis(hash)));
        long deadline = Duration.ofSeconds(1).plus(Duration.ofSeconds(2)).toMillis();
        LoginHarness learning = new LoginHarness();
        try (FaultProxy network = FaultProxy.inFrontOf(database);
             EmbeddedJetty server = LoginHarness.builder(network.wrap(learnUrl), "holdfast-learn")
                     .contextParameter("holdfast.breaker.failures", "1000")
                     .contextParameter("holdfast.login.maxFailures", "1000")
                     .start()) {
            learning.use(server);
            assertEquals("database", learning.jsonLogin("learner", "learner-password").tier());
            network.blackhole();

            Answer first = learning.jsonLogin("learner", "learner-password");
            worst.record("defaults, blackholed: first login of a cached user", first);
            assertCached(first);
            assertTrue(first.millis() <= deadline + 3000, "hang guard: " + first);
            long[] laterMillis = new long[8];
            for (int i = 0; i < laterMillis.length; i++) {
                Answer later = learning.jsonLogin("learner", "learner-password");
                worst.record("defaults, blackholed: second and later logins of a cached user", later);
                laterMillis[i] = later.millis();
                assertCached(later);
                // Waiting the deadline again would take at least the whole deadline: a bound that cannot flake.
                assertTrue(later.millis() < deadline, "waited the deadline again: " + later);
            }
            java.util.Arrays.sort(laterMillis);
            worst.record("defaults, blackholed: second and later logins of a cached user, median",
                    new Answer(0, "", java.util.Map.of(), laterMillis[laterMillis.length / 2]));
            Answer wrong = learning.jsonLogin("learner", "not-the-password");
            worst.record("defaults, blackholed: second and later logins of a cached user", wrong);
            assertInvalid(wrong);
            assertTrue(wrong.millis() < deadline, "waited the deadline again: " + wrong);

            // Someone the tier cannot answer still gets the database's full deadline, then an honest 503.
            Answer newcomer = learning.jsonLogin("newcomer", "newcomer-password");
            worst.record("defaults, blackholed: a user the tier does not know", newcomer);
            assertUnavailable(newcomer);
            Answer health = learning.get("/auth/health");
            assertTrue(health.body().contains("\"status\":\"DEGRADED\""), health.toString());
            assertEquals("CLOSED", mainBreaker(health.body()), "no breaker opened: the logins learnt on their own");

            network.pass();
            long start = System.nanoTime();
            assertTrue(LoginHarness.eventually(Duration.ofSeconds(15),
                    () -> learning.jsonLogin("learner", "learner-password").tier().equals("database")),
                    "the database comes first again once it answers");
            worst.record("defaults, blackholed: back to tier=database after",
                    new Answer(0, "", java.util.Map.of(), (System.nanoTime() - start) / 1_000_000));
            assertEquals("database", learning.jsonLogin("newcomer", "newcomer-password").tier());
            learning.assertAllAudited(learnUrl, Duration.ofSeconds(15));
        }
    }

    /** Median time of a bcrypt check of {@code hash}, in this JVM, in milliseconds. */
    private static long hashMillis(String hash) {
        long[] millis = new long[5];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            assertTrue(BcryptFunction.getInstance(Bcrypt.B, 10).check("learner-password", hash));
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        java.util.Arrays.sort(millis);
        return millis[millis.length / 2];
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
