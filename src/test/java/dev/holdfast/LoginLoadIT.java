package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 200 logins at once, from 50 client threads, against {@code db.maxTotal=10} with the database blackholed: each is
 * answered within the bound, none with a 500, cached users get in, the others get an honest 503, and nothing is
 * left blocked once it is over.
 */
class LoginLoadIT {
    private static final int LOGINS = 200;
    private static final int CLIENTS = 50;
    private static final int CACHED_USERS = 20;
    private static final long BOUND_MILLIS = 200 + 1000 + 3000;
    private static final String SETTINGS = "db.maxTotal=10 db.maxWait=PT0.2S db.queryTimeout=PT1S breaker.failures=3"
            + " breaker.openFor=PT2S, " + CLIENTS + " client threads, " + LOGINS + " logins (half cached users), bcrypt cost 4;"
            + " bound " + BOUND_MILLIS + " ms";

    private static final LoginHarness http = new LoginHarness();
    private static final Map<String, Long> figures = new LinkedHashMap<>();
    private static String url;
    private static FaultProxy proxy;
    private static EmbeddedJetty jetty;

    @BeforeAll
    static void deploy() throws IOException {
        TestDatabase database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("load");
        for (int i = 0; i < CACHED_USERS; i++) {
            database.insertUser(url, "cached-" + i, LoginHarness.cheapHash("cached-" + i + "-password"), "user", true);
            database.insertUser(url, "uncached-" + i, LoginHarness.cheapHash("uncached-" + i + "-password"), "user", true);
        }
        proxy = FaultProxy.inFrontOf(database);
        jetty = LoginHarness.builder(proxy.wrap(url), "holdfast-load")
                .contextParameter("holdfast.db.maxTotal", "10")
                // the users are hashed at cost 4: so is the work an unknown user costs (one cost model)
                .contextParameter("holdfast.password.bcryptCost", "4")
                .contextParameter("holdfast.db.maxWait", "PT0.2S")
                .contextParameter("holdfast.db.queryTimeout", "PT1S")
                .contextParameter("holdfast.breaker.failures", "3")
                .contextParameter("holdfast.breaker.openFor", "PT2S")
                .contextParameter("holdfast.login.maxClientFailures", "100000")
                .start();
        http.use(jetty);
    }

    @AfterAll
    static void undeploy() {
        LoginHarness.writeLatencies("LoginLoadIT", SETTINGS, figures);
        if (jetty != null) {
            jetty.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void twoHundredConcurrentLoginsAgainstABlackholedDatabaseAreAllAnsweredWithinTheBound() throws Exception {
        for (int i = 0; i < CACHED_USERS; i++) {
            Answer answer = http.jsonLogin("cached-" + i, "cached-" + i + "-password");
            assertEquals("database", answer.tier(), answer.toString());
        }
        proxy.blackhole();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Answer>> cached = new ArrayList<>();
        List<Future<Answer>> uncached = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < LOGINS / 2; i++) {
                String cachedUser = "cached-" + (i % CACHED_USERS);
                String uncachedUser = "uncached-" + (i % CACHED_USERS);
                cached.add(clients.submit(() -> http.jsonLogin(cachedUser, cachedUser + "-password")));
                uncached.add(clients.submit(() -> http.jsonLogin(uncachedUser, uncachedUser + "-password")));
            }
            long[] millis = new long[LOGINS];
            int n = 0;
            for (Future<Answer> future : cached) {
                Answer answer = future.get();
                millis[n++] = answer.millis();
                LoginHarness.assertCached(answer);
            }
            for (Future<Answer> future : uncached) {
                Answer answer = future.get();
                millis[n++] = answer.millis();
                LoginHarness.assertUnavailable(answer);
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            Arrays.sort(millis);
            figures.put("blackholed, 200 concurrent: median", millis[LOGINS / 2]);
            figures.put("blackholed, 200 concurrent: p99", millis[LOGINS * 99 / 100]);
            figures.put("blackholed, 200 concurrent: worst", millis[LOGINS - 1]);
            figures.put("blackholed, 200 concurrent: all answered after", wall);
            assertTrue(millis[LOGINS - 1] <= BOUND_MILLIS, "worst " + millis[LOGINS - 1] + " ms, bound " + BOUND_MILLIS);
        } finally {
            clients.shutdownNow();
        }

        // Every request has been answered: no request thread may still be inside Holdfast (waiting on the database).
        // (Polled: a thread that has written its answer may still be unwinding through Holdfast's finally blocks.)
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(10), () -> LoginHarness.requestThreadsInHoldfast().isEmpty()),
                () -> "request threads still busy: " + LoginHarness.requestThreadsInHoldfast());

        proxy.pass();
        long recoveryStart = System.nanoTime();
        Answer first = http.jsonLogin("cached-0", "cached-0-password");
        figures.put("first login after recovery", first.millis());
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.millis() <= BOUND_MILLIS, first.toString());
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(10),
                () -> http.jsonLogin("uncached-0", "uncached-0-password").tier().equals("database")));
        figures.put("back to tier=database after", (System.nanoTime() - recoveryStart) / 1_000_000);
        // The workers that were stuck on the blackhole free themselves (driver timeouts) once traffic flows.
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(20), () -> {
            Answer health = http.get("/auth/health");
            return health.status() == 200 && LoginHarness.mainPoolField(health.body(), "active") == 0
                    && health.body().contains("\"status\":\"UP\"");
        }), () -> "health: " + http.get("/auth/health"));
        http.assertAllAudited(url, Duration.ofSeconds(20));
    }
}
