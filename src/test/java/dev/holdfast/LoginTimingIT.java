package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An unknown user, a wrong password, a disabled user and a locked-out user cannot be told apart by how long
 * {@code /auth/login} takes to answer: measured over real HTTP against the built WAR, hundreds of trials per case,
 * in the database tier and in the credential tier (the database blackholed), judged by rank tests.
 *
 * <p>How the measurement is kept honest on a shared, loaded machine:
 * <ul>
 *   <li>the cases are interleaved in a fresh random order every round, so a burst of load falls on all of them
 *       alike; {@value #WARM_UP} rounds warm the JIT first and are not counted;</li>
 *   <li>each pair of cases that answers with the same status (and, since finding 3, unknown against cached in the
 *       credential tier, whose statuses differ) is compared with Mann-Whitney U and Kolmogorov-Smirnov, and must
 *       not differ at {@value #ALPHA} (strict: a flake needs a 1-in-1000 result);</li>
 *   <li>a control shows the test can see what it claims to rule out: users whose hash costs one more bcrypt
 *       cost step (the hash work an unknown user skipped before the fix) must be told apart at the same alpha;</li>
 *   <li>a tier whose run fails any of these is measured once more, from fresh samples, and that second run
 *       decides (the odds of a false alarm twice are below one in ten thousand).</li>
 * </ul>
 * Users are hashed at {@code password.bcryptCost} = {@value #COST}, which is also the cost of the work an unknown
 * or disabled user costs (the WAR's setting, not a test switch), so hundreds of trials fit in about a minute.
 * The figures go to {@code target/login-timing.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginTimingIT {
    static final int COST = 6;
    static final int TRIALS = 300;
    static final int WARM_UP = 30;
    static final double ALPHA = 0.001;
    /** Users per case that fails: each takes at most (2 runs x (TRIALS + WARM_UP)) / USERS < login.maxFailures. */
    static final int USERS = 200;
    static final int MAX_FAILURES = 5;
    static final String PASSWORD = "the-right-password";
    static final String WRONG = "a-wrong-password";

    private static final LoginHarness http = new LoginHarness();
    private static final AtomicInteger unknown = new AtomicInteger();
    private static final List<String> figures = new ArrayList<>();
    private static TestDatabase database;
    private static String url;
    private static FaultProxy proxy;
    private static EmbeddedJetty jetty;

    /** One case: how its i-th trial logs in, and the status it must answer. */
    record Case(String name, int status, IntFunction<Answer> trial) {
    }

    /** A pair whose times must not differ, or (the control) must. */
    record Comparison(String first, String second, boolean mustDiffer) {
    }

    @BeforeAll
    static void deploy() throws IOException {
        database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("timing");
        String hash = bcrypt(COST);
        String costlier = bcrypt(COST + 1);
        insertUsers("known-", hash, true);
        insertUsers("costly-", costlier, true);
        insertUsers("disabled-database-", hash, false);
        insertUsers("disabled-tier-", hash, false);
        database.insertUser(url, "locked-known", hash, "user", true);
        proxy = FaultProxy.inFrontOf(database);
        jetty = LoginHarness.builder(proxy.wrap(url), "holdfast-timing")
                .contextParameter("holdfast.password.bcryptCost", Integer.toString(COST))
                .contextParameter("holdfast.login.maxFailures", Integer.toString(MAX_FAILURES))
                .contextParameter("holdfast.login.maxClientFailures", "100000")
                .contextParameter("holdfast.login.lockout", "PT1H")
                .contextParameter("holdfast.db.maxWait", "PT0.2S")
                .contextParameter("holdfast.db.queryTimeout", "PT1S")
                .contextParameter("holdfast.breaker.failures", "3")
                // No probe while the credential tier is measured: a probe waits the whole deadline.
                .contextParameter("holdfast.breaker.openFor", "PT10M")
                .start();
        http.use(jetty);
        // Lock one user who exists and one who does not, from this client.
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertEquals(401, http.jsonLogin("locked-known", WRONG).status());
            assertEquals(401, http.jsonLogin("locked-nobody", WRONG).status());
        }
    }

    @AfterAll
    static void undeploy() throws IOException {
        Path file = Path.of("target", "login-timing.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, figures, StandardCharsets.UTF_8);
        System.out.println(String.join("\n", figures));
        if (jetty != null) {
            jetty.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String bcrypt(int cost) {
        return BcryptFunction.getInstance(Bcrypt.B, cost).hash(PASSWORD.getBytes(StandardCharsets.UTF_8)).getResult();
    }

    private static void insertUsers(String prefix, String hash, boolean enabled) {
        database.execute(url, "INSERT INTO users (username, password_hash, roles, enabled) SELECT '" + prefix
                + "' || i, '" + hash + "', 'user', " + enabled + " FROM generate_series(0, " + (USERS - 1) + ") AS i");
    }

    private static Answer login(String username, String password) {
        return http.jsonLogin(username, password);
    }

    @Test
    @Order(1)
    void databaseTierAnswersTakeTheSameTimeWhoeverIsAsked() {
        List<Case> cases = List.of(
                new Case("unknown user", 401, i -> login("nobody-" + unknown.incrementAndGet(), WRONG)),
                new Case("wrong password", 401, i -> login("known-" + (i % USERS), WRONG)),
                new Case("disabled user", 401, i -> login("disabled-database-" + (i % USERS), PASSWORD)),
                new Case("locked-out user", 429, i -> login("locked-known", PASSWORD)),
                new Case("locked-out unknown user", 429, i -> login("locked-nobody", PASSWORD)),
                new Case("control: hash one cost step dearer", 401, i -> login("costly-" + (i % USERS), WRONG)));
        judge("database tier", cases, comparisons());
    }

    @Test
    @Order(2)
    void credentialTierAnswersTakeTheSameTimeWhoeverIsAsked() {
        // Every known user logs in once while the database answers: they are in the credential tier, and their
        // failure counts are cleared.
        for (int i = 0; i < USERS; i++) {
            assertEquals(200, login("known-" + i, PASSWORD).status());
            assertEquals(200, login("costly-" + i, PASSWORD).status());
        }
        proxy.blackhole();
        try {
            // The breaker opens after breaker.failures timeouts; from then on no login waits for the database.
            assertTrue(LoginHarness.eventually(Duration.ofSeconds(60), () -> {
                login("nobody-" + unknown.incrementAndGet(), WRONG);
                return http.get("/auth/health").body().matches("(?s).*\"main\":\\{[^}]*\"breaker\":\"OPEN\".*");
            }), "the main breaker did not open");
            List<Case> cases = List.of(
                    new Case("unknown user", 503, i -> login("nobody-" + unknown.incrementAndGet(), WRONG)),
                    new Case("wrong password", 401, i -> login("known-" + (i % USERS), WRONG)),
                    new Case("disabled user", 503, i -> login("disabled-tier-" + (i % USERS), PASSWORD)),
                    new Case("locked-out user", 429, i -> login("locked-known", PASSWORD)),
                    new Case("locked-out unknown user", 429, i -> login("locked-nobody", PASSWORD)),
                    new Case("control: hash one cost step dearer", 401, i -> login("costly-" + (i % USERS), WRONG)));
            judge("credential tier", cases, comparisons());
        } finally {
            proxy.pass();
        }
    }

    private static List<Comparison> comparisons() {
        return List.of(
                new Comparison("unknown user", "wrong password", false),
                new Comparison("unknown user", "disabled user", false),
                new Comparison("wrong password", "disabled user", false),
                new Comparison("locked-out user", "locked-out unknown user", false),
                new Comparison("wrong password", "control: hash one cost step dearer", true));
    }

    /** Measures and compares; measures once more when the first run fails, and the second run decides. */
    private static void judge(String tier, List<Case> cases, List<Comparison> comparisons) {
        List<String> failures = run(tier + ", run 1", cases, comparisons);
        if (!failures.isEmpty()) {
            figures.add(tier + ": run 1 failed " + failures + "; measuring once more");
            failures = run(tier + ", run 2", cases, comparisons);
        }
        assertEquals(List.of(), failures, tier + ": see target/login-timing.txt");
    }

    private static List<String> run(String label, List<Case> cases, List<Comparison> comparisons) {
        Map<String, double[]> micros = new LinkedHashMap<>();
        for (Case c : cases) {
            micros.put(c.name(), new double[TRIALS]);
        }
        Random random = new Random();
        List<Case> order = new ArrayList<>(cases);
        for (int round = -WARM_UP; round < TRIALS; round++) {
            Collections.shuffle(order, random);
            for (Case c : order) {
                int trial = round + WARM_UP;
                long start = System.nanoTime();
                Answer answer = c.trial().apply(trial);
                long elapsed = System.nanoTime() - start;
                assertEquals(c.status(), answer.status(), label + ", " + c.name() + ": " + answer);
                if (round >= 0) {
                    micros.get(c.name())[round] = elapsed / 1000.0;
                }
            }
        }
        figures.add(String.format(Locale.ROOT, "%s: %d interleaved trials per case after %d warm-up rounds;"
                + " bcrypt cost %d", label, TRIALS, WARM_UP, COST));
        for (Case c : cases) {
            double[] sorted = micros.get(c.name()).clone();
            Arrays.sort(sorted);
            figures.add(String.format(Locale.ROOT, "  %-36s %d  median %7.2f ms  p10 %7.2f ms  p90 %7.2f ms", c.name(),
                    c.status(), sorted[TRIALS / 2] / 1000, sorted[TRIALS / 10] / 1000, sorted[TRIALS * 9 / 10] / 1000));
        }
        List<String> failures = new ArrayList<>();
        MannWhitneyUTest mannWhitney = new MannWhitneyUTest();
        KolmogorovSmirnovTest kolmogorovSmirnov = new KolmogorovSmirnovTest();
        for (Comparison comparison : comparisons) {
            double[] a = micros.get(comparison.first());
            double[] b = micros.get(comparison.second());
            double u = mannWhitney.mannWhitneyUTest(a, b);
            double ks = kolmogorovSmirnov.kolmogorovSmirnovTest(a, b);
            boolean differ = u < ALPHA || ks < ALPHA;
            String verdict = comparison.mustDiffer() ? (u < ALPHA ? "told apart, as it must be" : "NOT TOLD APART")
                    : (differ ? "TOLD APART" : "same");
            figures.add(String.format(Locale.ROOT, "  %-36s vs %-36s Mann-Whitney p=%.4f  K-S p=%.4f  %s",
                    comparison.first(), comparison.second(), u, ks, verdict));
            if (comparison.mustDiffer() ? u >= ALPHA : differ) {
                failures.add(comparison.first() + " vs " + comparison.second() + ": " + verdict);
            }
        }
        return failures;
    }
}
