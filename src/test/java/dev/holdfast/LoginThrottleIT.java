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
 * {@code 429} with {@code Retry-After}; other users are not affected; failures while the database is down are
 * not counted; a client spraying usernames hits {@code login.maxClientFailures}. Ordered, because the
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
        for (String user : List.of("ursula", "victor", "wendy")) {
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
    void otherUsersAreNotAffected() {
        Answer victor = http.jsonLogin("victor", "victor-password");
        assertEquals(200, victor.status(), victor.toString());
        assertEquals("database", victor.tier());
        LoginHarness.assertInvalid(http.jsonLogin("victor", "one-typo"));
        assertEquals(200, http.jsonLogin("victor", "victor-password").status());
    }

    @Test
    @Order(3)
    void failuresWhileTheDatabaseIsDownDoNotCount() {
        assertEquals("database", http.jsonLogin("wendy", "wendy-password").tier()); // in the tier now
        proxy.blackhole();
        try {
            for (int i = 0; i < MAX_FAILURES * 4; i++) {
                LoginHarness.assertInvalid(http.jsonLogin("wendy", "outage-guess-" + i));
                LoginHarness.assertUnavailable(http.jsonLogin("stranger-" + i, "whatever-password"));
            }
            LoginHarness.assertCached(http.jsonLogin("wendy", "wendy-password"));
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
    @Order(4)
    void aClientSprayingUsernamesIsThrottledForEveryUsername() {
        // 3 (ursula) + 1 (victor) + 3 (wendy) failures so far from this client
        int sprayed = 0;
        Answer answer = http.jsonLogin("spray-" + sprayed, "password-" + sprayed);
        while (answer.status() == 401 && sprayed < MAX_CLIENT_FAILURES) {
            sprayed++;
            answer = http.jsonLogin("spray-" + sprayed, "password-" + sprayed);
        }
        assertThrottled(answer);
        assertEquals(MAX_CLIENT_FAILURES - 7, sprayed, "the client's failures add up across usernames");
        assertThrottled(http.jsonLogin("victor", "victor-password"));
        http.assertAllAudited(url, Duration.ofSeconds(15));
    }
}
