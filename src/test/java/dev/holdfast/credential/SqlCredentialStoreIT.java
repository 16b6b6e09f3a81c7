package dev.holdfast.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.db.Breaker;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.db.DatabaseUnavailableException.Reason;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSettings;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.Latencies;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlCredentialStoreIT {
    private static final String HASH = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
    private static final Duration MAX_WAIT = Duration.ofMillis(500);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration BOUND = MAX_WAIT.plus(QUERY_TIMEOUT).multipliedBy(3);
    private static final Latencies latencies = new Latencies("SqlCredentialStoreIT");
    private static String url;

    private final MutableClock clock = new MutableClock();
    private FaultProxy proxy;
    private GuardedDatabase db;

    @BeforeAll
    static void createUsers() {
        TestDatabase pg = TestDatabase.shared();
        url = pg.createDatabaseWithSchema("credentials");
        pg.insertUser(url, "alice", HASH, "admin, user", true);
        pg.insertUser(url, "bob", HASH, null, true);
        pg.insertUser(url, "carol", HASH, "user", false);
        pg.insertUser(url, "o'brien", HASH, "user", true);
        pg.execute(url, "CREATE TABLE accounts (login text, pw text, groups text[], active boolean, uid uuid)");
        pg.execute(url, "INSERT INTO accounts VALUES ('dave', '" + HASH + "', ARRAY['ops','dev'], true,"
                + " '00000000-0000-0000-0000-000000000001'), ('erin', '" + HASH + "', ARRAY['ops'], NULL, NULL),"
                + " ('twin', 'a', NULL, true, NULL), ('twin', 'b', NULL, true, NULL)");
    }

    @AfterAll
    static void report() {
        latencies.report();
    }

    @BeforeEach
    void open() throws Exception {
        proxy = FaultProxy.inFrontOf(TestDatabase.shared());
        PoolSettings settings = new PoolSettings("store", proxy.wrap(url), null, null, 4, MAX_WAIT, QUERY_TIMEOUT);
        db = GuardedDatabase.open(settings, Breaker.withDefaults("store", clock), clock);
    }

    @AfterEach
    void close() {
        db.close();
        proxy.close();
    }

    private SqlCredentialStore store() {
        return new SqlCredentialStore(db, SqlCredentialStore.DEFAULT_QUERY, clock);
    }

    @Test
    void readsTheDefaultSchema() throws Exception {
        StoredCredential alice = store().find("alice").orElseThrow();
        assertEquals("alice", alice.username());
        assertTrue(alice.userId().isPresent());
        assertEquals(HASH, alice.passwordHash());
        assertEquals(List.of("admin", "user"), alice.roles());
        assertTrue(alice.enabled());
        assertEquals(clock.instant(), alice.confirmedAt());
    }

    @Test
    void noRolesIsAnEmptyListAndDisabledUsersAreReturnedAsDisabled() throws Exception {
        assertEquals(List.of(), store().find("bob").orElseThrow().roles());
        assertFalse(store().find("carol").orElseThrow().enabled());
    }

    @Test
    void anUnknownUserIsEmpty() throws Exception {
        assertEquals(Optional.empty(), store().find("nobody"));
        assertEquals(Optional.empty(), store().find(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"' OR '1'='1", "alice' --", "alice'; DROP TABLE users; --", "\\", "%", "_", "alice%",
        "\"alice\"", "?", "$1", "alice\u0000", "\u0000", "ä' OR 1=1/*", "' UNION SELECT 1,'x','y','z',true --"})
    void sqlMetacharactersInUsernamesFindNobody(String username) throws Exception {
        assertEquals(Optional.empty(), store().find(username));
        assertTrue(store().find("alice").isPresent(), "the table is still there");
    }

    @Test
    void aQuoteInARealUsernameWorks() throws Exception {
        assertEquals("o'brien", store().find("o'brien").orElseThrow().username());
    }

    @Test
    void anyQueryWorksWhenItReturnsTheLabelsHoldfastReads() throws Exception {
        SqlCredentialStore custom = new SqlCredentialStore(db, "SELECT uid AS id, login AS username,"
                + " pw AS password_hash, groups AS roles, active AS enabled FROM accounts WHERE login = ?", clock);
        StoredCredential dave = custom.find("dave").orElseThrow();
        assertEquals(Optional.of("00000000-0000-0000-0000-000000000001"), dave.userId());
        assertEquals(List.of("ops", "dev"), dave.roles(), "SQL array");
        assertTrue(dave.enabled());
        StoredCredential erin = custom.find("erin").orElseThrow();
        assertEquals(Optional.empty(), erin.userId());
        assertFalse(erin.enabled(), "NULL enabled is disabled");
    }

    @Test
    void optionalLabelsMayBeLeftOut() throws Exception {
        SqlCredentialStore minimal = new SqlCredentialStore(db,
                "SELECT login AS username, pw AS password_hash FROM accounts WHERE login = ?", clock);
        StoredCredential dave = minimal.find("dave").orElseThrow();
        assertEquals(Optional.empty(), dave.userId());
        assertEquals(List.of(), dave.roles());
        assertTrue(dave.enabled(), "no enabled column: enabled");
    }

    @Test
    void aQueryWithoutTheRequiredLabelsIsAClearError() {
        SqlCredentialStore wrong = new SqlCredentialStore(db,
                "SELECT login, pw FROM accounts WHERE login = ?", clock);
        CredentialQueryException e = assertThrows(CredentialQueryException.class, () -> wrong.find("dave"));
        assertEquals("[holdfast.sql.user] returns no column labelled [username, password_hash]; it returns"
                + " [login, pw]. Required labels: username, password_hash; optional: id, roles, enabled"
                + " (use AS to rename a column)", e.getMessage());
        assertTrue(db.isAvailable(), "a wrong query is not an outage");
    }

    @Test
    void aQueryOnAMissingTableIsAClearErrorNotAnOutage() {
        SqlCredentialStore wrong = new SqlCredentialStore(db,
                "SELECT username, password_hash FROM no_such_table WHERE username = ?", clock);
        CredentialQueryException e = assertThrows(CredentialQueryException.class, () -> wrong.find("alice"));
        assertTrue(e.getMessage().startsWith("[holdfast.sql.user] failed on the database: SQLState 42P01"),
                e.getMessage());
        assertFalse(e.getMessage().contains("alice"), "no username in the message");
        assertFalse(e.getMessage().contains("no_such_table"), "not the driver's message, which can quote input");
        assertNull(e.getCause(), "no cause either: logging the exception would print the driver's message");
    }

    @Test
    void aFailingQueryNeverCarriesTheUsernameTheDriverQuotes() {
        // PostgreSQL quotes the bind value in this error: invalid input syntax for type integer: "<username>".
        SqlCredentialStore typed = new SqlCredentialStore(db,
                "SELECT username, password_hash FROM users WHERE id = CAST(? AS integer)", clock);
        String username = "carol-the-probe";
        CredentialQueryException e = assertThrows(CredentialQueryException.class, () -> typed.find(username));
        assertTrue(e.getMessage().startsWith("[holdfast.sql.user] failed on the database: SQLState 22P02"), e.getMessage());
        assertFalse(e.getMessage().contains(username), e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void aQueryReturningTwoRowsForOneUsernameIsRefused() {
        SqlCredentialStore ambiguous = new SqlCredentialStore(db,
                "SELECT login AS username, pw AS password_hash FROM accounts WHERE login = ?", clock);
        CredentialQueryException e = assertThrows(CredentialQueryException.class, () -> ambiguous.find("twin"));
        assertTrue(e.getMessage().contains("more than one row"), e.getMessage());
    }

    @Test
    void aQueryWithoutExactlyOneParameterIsRejectedAtOnce() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new SqlCredentialStore(db, "SELECT username, password_hash FROM users", clock));
        assertEquals("[holdfast.sql.user] must have exactly one ? (the username), has 0:"
                + " [SELECT username, password_hash FROM users]", none.getMessage());
    }

    private Reason unavailable(String fault) {
        long start = System.nanoTime();
        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                () -> store().find("alice"));
        Duration took = latencies.record(fault, Duration.ofNanos(System.nanoTime() - start));
        assertTrue(took.compareTo(BOUND) < 0, fault + " took " + took);
        return e.reason();
    }

    @Test
    void refusedDatabaseIsUnavailableNotAnEmptyAnswer() {
        proxy.refuse();
        assertEquals(Reason.CONNECTION_FAILED, unavailable("find(): refused"));
    }

    @Test
    void blackholedDatabaseIsUnavailableWithinTheDeadline() throws Exception {
        assertTrue(store().find("alice").isPresent());
        proxy.blackhole();
        assertEquals(Reason.TIMEOUT, unavailable("find(): blackhole"));
        proxy.pass();
        clock.advance(Duration.ofSeconds(5));
        assertTrue(store().find("alice").isPresent());
    }

    @Test
    void afterOneTimeoutAUserTheTierCanAnswerIsNotKeptWaiting() throws Exception {
        SqlCredentialStore store = new SqlCredentialStore(db, SqlCredentialStore.DEFAULT_QUERY,
                username -> username.equals("alice"), clock);
        assertTrue(store.find("alice").isPresent(), "while the database answers, it is asked");
        proxy.blackhole();
        assertEquals(Reason.TIMEOUT, assertThrows(DatabaseUnavailableException.class, () -> store.find("alice")).reason());
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.PROBING, assertThrows(DatabaseUnavailableException.class,
                    () -> store.find("alice")).reason());
        }
        // bob has no other way to an answer: the database is still asked, and waited for
        assertEquals(Reason.TIMEOUT, assertThrows(DatabaseUnavailableException.class, () -> store.find("bob")).reason());
    }

    @Test
    void droppedConnectionsAreUnavailable() throws Exception {
        assertTrue(store().find("alice").isPresent());
        proxy.drop();
        assertEquals(Reason.CONNECTION_FAILED, unavailable("find(): dropped"));
        proxy.pass();
        assertTrue(store().find("alice").isPresent());
    }

    @Test
    void slowNetworkBeyondTheDeadlineIsATimeout() throws Exception {
        assertTrue(store().find("alice").isPresent());
        proxy.delay(Duration.ofSeconds(2));
        assertEquals(Reason.TIMEOUT, unavailable("find(): delay 2 s per chunk"));
    }
}
