package dev.holdfast.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import dev.holdfast.credential.SqlHashUpdate;
import dev.holdfast.credential.StoredCredential;
import dev.holdfast.db.Breaker;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSettings;
import dev.holdfast.password.HashPolicy;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The background upgrader against real PostgreSQL: a statement that fails is an operator's WARN, never a login's failure. */
class PasswordUpgradesIT {
    private static final String OLD = BcryptFunction.getInstance(Bcrypt.B, 4)
            .hash("password".getBytes(StandardCharsets.UTF_8)).getResult();

    private final MutableClock clock = new MutableClock();
    private final PasswordVerifier passwords = new PasswordVerifier(HashPolicy.DEFAULT.withBcryptCost(5));
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private GuardedDatabase database;

    @BeforeEach
    void open() {
        String url = TestDatabase.shared().createDatabaseWithSchema("upgrades");
        database = GuardedDatabase.open(new PoolSettings("upgrades", url, null, null, 2, Duration.ofSeconds(1),
                Duration.ofSeconds(5)), Breaker.withDefaults("upgrades", clock), clock);
        logged.start();
        ((Logger) LoggerFactory.getLogger(PasswordUpgrades.class)).addAppender(logged);
    }

    @AfterEach
    void close() {
        ((Logger) LoggerFactory.getLogger(PasswordUpgrades.class)).detachAppender(logged);
        database.close();
    }

    private static StoredCredential user(String name) {
        return new StoredCredential(name, Optional.empty(), OLD, List.of("user"), true, java.time.Instant.EPOCH);
    }

    private static void drain(PasswordUpgrades upgrades) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (upgrades.queued() > 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        assertEquals(0, upgrades.queued(), "upgrades still queued after 30 s");
    }

    @Test
    void aFailingStatementIsOneWarnWithItsSqlStateAndNoHash() {
        SqlHashUpdate broken = new SqlHashUpdate(database,
                "UPDATE no_such_table SET password_hash = ? WHERE username = ? AND password_hash = ?");
        try (PasswordUpgrades upgrades = PasswordUpgrades.through(broken, passwords)) {
            char[] password = "password".toCharArray();
            upgrades.offer(user("alice"), password);
            drain(upgrades);
            upgrades.offer(user("bob"), password);
            drain(upgrades);
            assertEquals("password", new String(password), "the caller's password is the caller's to wipe");
        }
        List<String> warnings = logged.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of("holdfast: [holdfast.sql.updateHash] failed on the database: SQLState 42P01;"
                + " password hashes are not upgraded until it is fixed (further failures at DEBUG)"), warnings);
        for (ILoggingEvent event : logged.list) {
            assertFalse(event.getFormattedMessage().contains(OLD.substring(7)), "a hash in the log: " + event);
        }
    }

    @Test
    void nothingIsQueuedForAHashAtThePolicyOrWhenOff() {
        SqlHashUpdate update = new SqlHashUpdate(database,
                "UPDATE users SET password_hash = ? WHERE username = ? AND password_hash = ?");
        String current = passwords.hash("password".toCharArray());
        try (PasswordUpgrades upgrades = PasswordUpgrades.through(update, passwords)) {
            assertTrue(upgrades.enabled());
            upgrades.offer(new StoredCredential("carol", Optional.empty(), current, List.of(), true, clock.instant()),
                    "password".toCharArray());
            assertEquals(0, upgrades.queued());
        }
        try (PasswordUpgrades off = PasswordUpgrades.off(passwords)) {
            assertFalse(off.enabled());
            off.offer(user("dave"), "password".toCharArray());
            assertEquals(0, off.queued());
        }
        assertTrue(Arrays.asList(logged.list.toArray()).isEmpty(), logged.list.toString());
    }
}
