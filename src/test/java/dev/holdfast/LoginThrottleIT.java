package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Lock-out over real HTTP: {@code login.maxFailures} wrong passwords for one user from one client answer
 * {@code 429} with {@code Retry-After}, however many are sent at once; other users are not affected; failures
 * while the database is down are limited for the tier but never lock the database login out; a client spraying
 * usernames hits {@code login.maxClientFailures}. Ordered, because the
 * per-client count is shared by every test here (all requests come from 127.0.0.1).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginThrottleIT {
    private static final int MAX_FAILURES = 3;
    private static final int MAX_CLIENT_FAILURES = 12;

    private static final LoginHarness http = new LoginHarness();
    private static String url;
    private static FaultProxy proxy;
    private static EmbeddedJetty jetty;

    @BeforeAll
    static void deploy() throws IOException {
        TestDatabase database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("throttle");
        for (String user : List.of("ursula", "victor", "wendy", "xavier")) {
            database.insertUser(url, user, LoginHarness.cheapHash(user + "-password"), "user", true);
        }
        proxy = FaultProxy.inFrontOf(database);
        jetty = LoginHarness.builder(proxy.wrap(url), "holdfast-throttle")
                // the users are hashed at cost 4: so is the work an unknown user costs (one cost model)
                .contextParameter("holdfast.password.bcryptCost", "4")
                .contextParameter("holdfast.db.maxWait", "PT0.2S")
                .contextParameter("holdfast.db.queryTimeout", "PT1S")
                .contextParameter("holdfast.breaker.failures", "2")
                .contextParameter("holdfast.breaker.openFor", "PT1S")
                .contextParameter("holdfast.login.maxFailures", Integer.toString(MAX_FAILURES))
                .contextParameter("holdfast.login.maxClientFailures", Integer.toString(MAX_CLIENT_FAILURES))
                .contextParameter("holdfast.login.lockout", "PT5M")
                .start();
        http.use(jetty);
    }

    @AfterAll
    static void undeploy() {
        if (jetty != null) {
            jetty.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static void assertThrottled(Answer answer) {
        assertEquals(429, answer.status(), answer.toString());
        assertTrue(answer.body().contains("\"error\":\"too_many_attempts\""), answer.toString());
        long retryAfter = Long.parseLong(answer.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 300, "Retry-After within the lock-out: " + retryAfter);
    }

    @Test
    @Order(1)
    void wrongPasswordsLockThatUserOutFromThisClient() {
        for (int i = 0; i < MAX_FAILURES; i++) {
            LoginHarness.assertInvalid(http.jsonLogin("ursula", "guess-" + i));
        }
        assertThrottled(http.jsonLogin("ursula", "guess-again"));
        // Locked means locked: not even the right password gets checked, so guessing cannot go on.
        assertThrottled(http.jsonLogin("ursula", "ursula-password"));
        assertThrottled(http.jsonLogin("URSULA", "ursula-password"));
        Answer form = http.post("/auth/login", LoginHarness.FORM, "username=ursula&password=ursula-password",
                "Accept", "text/html");
        assertEquals(429, form.status(), "a browser form is throttled too: " + form);
    }

    @Test
    @Order(2)
    void parallelGuessesAreNotAllChecked() throws Exception {
        // The review's reproduction: 20 parallel guesses with maxFailures=5 were all checked (19 x 401, then 200).
        // Each attempt is now reserved before the lookup and the hash: however the 20 interleave, at most
        // MAX_FAILURES are checked, the rest answer 429.
        int guesses = 20;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(guesses);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Answer>> answers = new java.util.ArrayList<>();
        int checked = 0;
        try {
            for (int i = 0; i < guesses; i++) {
                String password = "parallel-guess-" + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return http.jsonLogin("xavier", password);
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<Answer> future : answers) {
                Answer answer = future.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(answer.status() == 401 || answer.status() == 429, answer.toString());
                checked += answer.status() == 429 ? 0 : 1;
            }
            assertTrue(checked >= 1 && checked <= MAX_FAILURES, "checked " + checked + " of " + guesses);
        } finally {
            pool.shutdownNow();
        }
        // Whatever the interleaving, no more than MAX_FAILURES wrong guesses are ever checked in the window.
        int wrong = 0;
        Answer answer;
        while ((answer = http.jsonLogin("xavier", "sequential-guess-" + wrong)).status() == 401) {
            wrong++;
        }
        assertThrottled(answer);
        assertEquals(MAX_FAILURES, checked + wrong, "parallel and sequential guesses checked together");
    }

    @Test
    @Order(3)
    void otherUsersAreNotAffected() {
        Answer victor = http.jsonLogin("victor", "victor-password");
        assertEquals(200, victor.status(), victor.toString());
        assertEquals("database", victor.tier());
        LoginHarness.assertInvalid(http.jsonLogin("victor", "one-typo"));
        assertEquals(200, http.jsonLogin("victor", "victor-password").status());
    }

    @Test
    @Order(4)
    void failuresWhileTheDatabaseIsDownAreLimitedButDoNotLockTheDatabaseLoginOut() {
        assertEquals("database", http.jsonLogin("wendy", "wendy-password").tier()); // in the tier now
        proxy.blackhole();
        try {
            for (int i = 0; i < MAX_FAILURES; i++) {
                LoginHarness.assertInvalid(http.jsonLogin("wendy", "outage-guess-" + i));
                LoginHarness.assertUnavailable(http.jsonLogin("stranger-" + i, "whatever-password"));
            }
            // The review's reproduction was 15 wrong passwords, then 200: guessing against the tier stops here.
            assertThrottled(http.jsonLogin("wendy", "outage-guess-again"));
            assertThrottled(http.jsonLogin("wendy", "wendy-password"));
        } finally {
            proxy.pass();
        }
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(10),
                () -> http.jsonLogin("wendy", "wendy-password").tier().equals("database")),
                "wendy is not locked out by failures the database never judged");
        // The database judges again: wendy's failures count from zero.
        for (int i = 0; i < MAX_FAILURES; i++) {
            LoginHarness.assertInvalid(http.jsonLogin("wendy", "guess-" + i));
        }
        assertThrottled(http.jsonLogin("wendy", "guess"));
    }

    @Test
    @Order(5)
    void aClientSprayingUsernamesIsThrottledForEveryUsername() {
        // 3 (ursula) + 3 (xavier) + 1 (victor) + 3 (wendy) failures the database judged so far from this client
        int sprayed = 0;
        Answer answer = http.jsonLogin("spray-" + sprayed, "password-" + sprayed);
        while (answer.status() == 401 && sprayed < MAX_CLIENT_FAILURES) {
            sprayed++;
            answer = http.jsonLogin("spray-" + sprayed, "password-" + sprayed);
        }
        assertThrottled(answer);
        assertEquals(MAX_CLIENT_FAILURES - 10, sprayed, "the client's failures add up across usernames");
        assertThrottled(http.jsonLogin("victor", "victor-password"));
        http.assertAllAudited(url, Duration.ofSeconds(15));
    }
}
