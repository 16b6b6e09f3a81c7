package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSettings;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A JVM killed with kill -9 while appending: every append it confirmed is replayed after restart, once, in order. */
class SpoolKillIT {
    private static final Logger log = LoggerFactory.getLogger(SpoolKillIT.class);

    @TempDir
    Path dir;

    @Test
    void everyConfirmedAppendSurvivesKillNineAndIsReplayedOnceInOrder() throws Exception {
        String url = TestDatabase.shared().createDatabaseWithSchema("killed");
        TestDatabase.shared().execute(url, "CREATE TABLE killed (seq bigserial PRIMARY KEY, n integer NOT NULL)");

        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                AppendingChild.class.getName(), dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put(AppendingChild.SECRET_VARIABLE, TestSecrets.journalSecretSetting());
        Process child = builder.start();
        AtomicInteger lastConfirmed = new AtomicInteger(-1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("appended ")) {
                        lastConfirmed.set(Integer.parseInt(line.substring("appended ".length())));
                    }
                }
            } catch (java.io.IOException e) {
                log.debug("child output ended", e);
            }
        }, "child-reader");
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lastConfirmed.get() < 500 && System.nanoTime() < deadline && child.isAlive()) {
            Thread.sleep(5);
        }
        assertTrue(lastConfirmed.get() >= 500, "child appended: " + lastConfirmed.get());
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, mid-append most likely
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        reader.join(5000);
        int confirmed = lastConfirmed.get();

        Clock clock = Clock.systemUTC();
        try (GuardedDatabase database = GuardedDatabase.open(new PoolSettings("killed", url, null, null, 2,
                Duration.ofMillis(500), Duration.ofSeconds(2)), Breaker.withDefaults("killed", clock), clock)) {
            Journal journal = Journal.open(dir, 64L * 1024 * 1024, 64 * 1024, clock, TestSecrets.journalKey());
            long pending = journal.depth();
            assertTrue(pending >= confirmed + 1, "pending " + pending + " < confirmed " + (confirmed + 1));
            try (Spool spool = Spool.open("killed", journal, database, Duration.ofMillis(50), Duration.ofMillis(500))) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (spool.depth() > 0 && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertEquals(0, spool.depth());
            }
            List<Integer> values = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT n FROM killed ORDER BY seq")) {
                while (rs.next()) {
                    values.add(rs.getInt(1));
                }
            }
            assertEquals(pending, values.size());
            for (int i = 0; i < values.size(); i++) {
                assertEquals(i, values.get(i));
            }
            log.info("kill -9: child confirmed {} appends, {} were in the journal after restart, all replayed once in order",
                    confirmed + 1, pending);
        }
    }
}
