package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /auth/emergency-login} with its own pool to a "replica" (a second proxy in front of the database): it
 * serves while the main database is blackholed or its pool is saturated, issues {@code tier=emergency} tokens
 * living {@code emergency.ttl}, answers {@code 503} when its own database is down too, and is invisible
 * ({@code 404}) when disabled or from outside {@code emergency.allow}.
 */
class EmergencyLoginIT {
    private static final String EMERGENCY = "/auth/emergency-login";
    /** A path no servlet maps: what a hidden endpoint must look like. */
    private static final String MISSING = "/auth/no-such-endpoint";
    private static final long BOUND_MILLIS = 200 + 1000 + 3000;
    private static final Pattern NUMBER_CLAIM = Pattern.compile("\"(iat|exp)\":(\\d+)");

    private static final LoginHarness http = new LoginHarness();
    private static final LoginHarness.Worst worst = new LoginHarness.Worst();
    private static TestDatabase database;
    private static String url;
    private static FaultProxy main;
    private static FaultProxy replica;
    private static EmbeddedJetty jetty;

    @BeforeAll
    static void deploy() throws IOException {
        database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("emergency");
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "warmup")) {
            database.insertUser(url, user, LoginHarness.cheapHash(user + "-password"), "user", true);
        }
        main = FaultProxy.inFrontOf(database);
        replica = FaultProxy.inFrontOf(database);
        jetty = timeouts(LoginHarness.builder(main.wrap(url), "holdfast-emergency"))
                .contextParameter("holdfast.emergency.enabled", "true")
                .contextParameter("holdfast.emergency.db.url", replica.wrap(url))
                .contextParameter("holdfast.emergency.ttl", "PT2M")
                .start();
        http.use(jetty);
    }

    private static EmbeddedJetty.Builder timeouts(EmbeddedJetty.Builder builder) {
        // The users are hashed at cost 4: so is the work an unknown user costs (one cost model).
        return builder.contextParameter("holdfast.password.bcryptCost", "4")
                .contextParameter("holdfast.db.maxWait", "PT0.2S")
                .contextParameter("holdfast.db.queryTimeout", "PT1S")
                .contextParameter("holdfast.breaker.failures", "3")
                .contextParameter("holdfast.breaker.openFor", "PT2S")
                .contextParameter("holdfast.login.maxClientFailures", "100000");
    }

    @AfterAll
    static void undeploy() {
        LoginHarness.writeLatencies("EmergencyLoginIT", "emergency pool 2 (default), db.maxWait=PT0.2S"
                + " db.queryTimeout=PT1S breaker.failures=3 breaker.openFor=PT2S; bound " + BOUND_MILLIS + " ms", worst.snapshot());
        if (jetty != null) {
            jetty.close();
        }
        if (main != null) {
            main.close();
        }
        if (replica != null) {
            replica.close();
        }
    }

    @BeforeEach
    void bothDatabasesAnswer() {
        main.pass();
        replica.pass();
        // Both breakers closed again (a test before may have opened them), and the emergency pool connected.
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(10),
                () -> http.jsonLogin("warmup", "warmup-password").tier().equals("database")), "main answers");
        assertTrue(LoginHarness.eventually(Duration.ofSeconds(10), () -> {
            Answer health = http.get("/auth/health");
            return health.body().contains("\"status\":\"UP\"") && !health.body().contains("OPEN");
        }), () -> "both breakers closed: " + http.get("/auth/health"));
        assertEquals(200, http.login(EMERGENCY, "warmup", "warmup-password").status());
    }

    private static Answer timed(String fault, Answer answer) {
        worst.record(fault, answer);
        assertTrue(answer.millis() <= BOUND_MILLIS, fault + ": " + answer);
        return answer;
    }

    /** The token's claims, as JSON text (the signature is the filter's business, proven elsewhere). */
    private static String claims(Answer answer) {
        String[] parts = answer.token().split("\\.");
        return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    }

    private static void assertEmergencyToken(Answer answer) {
        assertEquals(200, answer.status(), answer.toString());
        assertEquals("emergency", answer.tier(), answer.toString());
        assertTrue(answer.body().contains("\"expires_in\":120"), answer.toString());
        String claims = claims(answer);
        assertTrue(claims.contains("\"tier\":\"emergency\""), claims);
        Map<String, Long> times = new LinkedHashMap<>();
        Matcher matcher = NUMBER_CLAIM.matcher(claims);
        while (matcher.find()) {
            times.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        assertEquals(120L, times.get("exp") - times.get("iat"), "lives emergency.ttl: " + claims);
    }

    @Test
    void emergencyLoginServesFromItsOwnDatabaseWhileMainIsBlackholed() {
        main.blackhole();
        // bob was never cached: only a database can say yes to him, and the replica does.
        assertEmergencyToken(timed("main blackholed, emergency via replica", http.login(EMERGENCY, "bob", "bob-password")));
        LoginHarness.assertInvalid(timed("main blackholed, emergency via replica", http.login(EMERGENCY, "bob", "bob-wrong-password")));
        LoginHarness.assertUnavailable(timed("main blackholed, main login", http.jsonLogin("carol", "carol-password")));
        assertEmergencyToken(timed("main blackholed, emergency via replica", http.login(EMERGENCY, "carol", "carol-password")));
    }

    @Test
    void emergencyLoginIsNotHeldUpByASaturatedMainPool() throws Exception {
        main.blackhole();
        ExecutorService clients = Executors.newFixedThreadPool(30);
        try {
            // Users the tier cannot answer: each of their logins waits for the main database (its deadline).
            List<Future<Answer>> flood = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String nobody = "nobody-" + i;
                flood.add(clients.submit(() -> http.jsonLogin(nobody, nobody + "-password")));
            }
            assertTrue(LoginHarness.eventually(Duration.ofSeconds(10),
                    () -> LoginHarness.requestThreadsInHoldfast().size() >= 10),
                    () -> "main logins waiting on the blackhole: " + LoginHarness.requestThreadsInHoldfast());
            // erin has never logged in: only a database can say yes to her. Had the emergency path shared the
            // main pool or its threads, she would get 503 from the tier now; its own pool answers.
            Answer emergency = timed("main saturated (30 in flight), emergency", http.login(EMERGENCY, "erin", "erin-password"));
            assertEmergencyToken(emergency);
            for (Future<Answer> future : flood) {
                Answer answer = timed("main saturated (30 in flight), main logins", future.get());
                LoginHarness.assertUnavailable(answer);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void emergencyWithItsOwnDatabaseDownServesTheTierOrAnswers503() {
        assertEquals("database", http.jsonLogin("alice", "alice-password").tier()); // alice is in the tier now
        main.blackhole();
        replica.blackhole();
        String fault = "main and replica blackholed, emergency";
        for (int round = 0; round < 4; round++) {
            assertEmergencyToken(timed(fault, http.login(EMERGENCY, "alice", "alice-password")));
            LoginHarness.assertInvalid(timed(fault, http.login(EMERGENCY, "alice", "alice-wrong-password")));
            LoginHarness.assertUnavailable(timed(fault, http.login(EMERGENCY, "uncached-nobody", "whatever-password")));
        }
        replica.refuse();
        LoginHarness.assertUnavailable(timed("replica refused, emergency", http.login(EMERGENCY, "uncached-nobody", "x-password")));
    }

    @Test
    void emergencyLoginIsInvisibleOutsideItsAllowedNetworks() throws IOException {
        try (EmbeddedJetty elsewhere = timeouts(LoginHarness.builder(main.wrap(url), "holdfast-emergency-allow"))
                .contextParameter("holdfast.emergency.enabled", "true")
                .contextParameter("holdfast.emergency.db.url", replica.wrap(url))
                .contextParameter("holdfast.emergency.allow", "10.0.0.0/8")
                .start()) {
            LoginHarness other = new LoginHarness();
            other.use(elsewhere);
            Answer answer = other.login(EMERGENCY, "alice", "alice-password");
            Answer missing = other.login(MISSING, "alice", "alice-password");
            assertEquals(missing.status(), answer.status(), answer.toString());
            assertEquals(missing.body(), answer.body(), "the same page as a path that does not exist");
            assertEquals(200, other.jsonLogin("alice", "alice-password").status(), "the main login still works");
        }
    }

    @Test
    void emergencyLoginIsInvisibleWhenDisabled() {
        try (EmbeddedJetty disabled = timeouts(LoginHarness.builder(main.wrap(url), "holdfast-emergency-off")).start()) {
            LoginHarness other = new LoginHarness();
            other.use(disabled);
            main.blackhole(); // even during an outage it does not appear
            Answer missing = other.login(MISSING, "alice", "alice-password");
            Answer answer = other.login(EMERGENCY, "alice", "alice-password");
            assertEquals(missing.status(), answer.status(), answer.toString());
            assertEquals(missing.body(), answer.body(), "the same page as a path that does not exist");
            assertEquals(404, other.get(EMERGENCY).status());
        }
    }
}
