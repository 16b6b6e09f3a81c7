package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import org.apache.catalina.realm.MessageDigestCredentialHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A password the database verifies against a hash weaker than the policy is rehashed as bcrypt at
 * {@code password.bcryptCost} through {@code sql.updateHash}, in the background: the built WAR, real HTTP, real
 * PostgreSQL. Nothing is upgraded on a wrong password or for a hash already at the policy, and a login never waits
 * for its upgrade (a row lock held by the test blocks the UPDATE while the login answers).
 */
class PasswordUpgradeIT {
    private static final int COST = 5;
    private static final String UPGRADED = "$2b$05$";
    private static final LoginHarness http = new LoginHarness();
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static String url;
    private static EmbeddedJetty jetty;

    @BeforeAll
    static void deploy() throws Exception {
        TestDatabase database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("upgrade");
        database.insertUser(url, "old-bcrypt", bcrypt(4, "old-bcrypt-password"), "user", true);
        database.insertUser(url, "current", bcrypt(COST, "current-password"), "user", true);
        database.insertUser(url, "ldap", ssha("ldap-password"), "user", true);
        database.insertUser(url, "tomcat", tomcat("tomcat-password"), "user", true);
        // PBKDF2-HMAC-SHA256 of "password", 1000 iterations: below password.pbkdf2Iterations=2000
        database.insertUser(url, "pbkdf2", "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$JeuGrMduQwGPGLmo+Qwv7UYtHHmeg9SK49fGkEamC2c",
                "user", true);
        database.insertUser(url, "mistyped", bcrypt(4, "mistyped-password"), "user", true);
        database.insertUser(url, "sentinel", bcrypt(4, "sentinel-password"), "user", true);
        database.insertUser(url, "locked-row", bcrypt(4, "locked-row-password"), "user", true);
        jetty = LoginHarness.builder(url, "holdfast-upgrade")
                .contextParameter("holdfast.password.bcryptCost", Integer.toString(COST))
                .contextParameter("holdfast.password.pbkdf2Iterations", "2000")
                .contextParameter("holdfast.password.legacyFormats", "true")
                .contextParameter("holdfast.db.queryTimeout", "PT60S")
                .contextParameter("holdfast.sql.updateHash",
                        "UPDATE users SET password_hash = ? WHERE username = ? AND password_hash = ?")
                .start();
        http.use(jetty);
    }

    @AfterAll
    static void undeploy() {
        if (jetty != null) {
            jetty.close();
        }
    }

    private static String bcrypt(int cost, String password) {
        return BcryptFunction.getInstance(Bcrypt.B, cost).hash(password.getBytes(StandardCharsets.UTF_8)).getResult();
    }

    private static String ssha(String password) throws Exception {
        byte[] salt = {9, 8, 7, 6, 5, 4, 3, 2};
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(password.getBytes(StandardCharsets.UTF_8));
        sha1.update(salt);
        byte[] digest = sha1.digest();
        byte[] stored = new byte[digest.length + salt.length];
        System.arraycopy(digest, 0, stored, 0, digest.length);
        System.arraycopy(salt, 0, stored, digest.length, salt.length);
        return "{SSHA}" + Base64.getEncoder().encodeToString(stored);
    }

    private static String tomcat(String password) throws Exception {
        MessageDigestCredentialHandler handler = new MessageDigestCredentialHandler();
        handler.setAlgorithm("SHA-512");
        handler.setSaltLength(16);
        handler.setIterations(1000);
        return handler.mutate(password);
    }

    private static String hashOf(String username) {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement s = c.prepareStatement("SELECT password_hash FROM users WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), username);
                return r.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void loginAndAwaitUpgrade(String username, String password) {
        String before = hashOf(username);
        Answer answer = http.jsonLogin(username, password);
        assertEquals(200, answer.status(), answer.toString());
        assertEquals("database", answer.tier());
        assertTrue(LoginHarness.eventually(WITHIN, () -> hashOf(username).startsWith(UPGRADED)),
                username + ": still " + hashOf(username).substring(0, 7) + " after " + WITHIN);
        assertTrue(!before.equals(hashOf(username)));
        // The new hash holds the same password: the next login is verified against it.
        Answer again = http.jsonLogin(username, password);
        assertEquals(200, again.status(), again.toString());
        assertEquals("database", again.tier());
    }

    @Test
    void bcryptUnderTheConfiguredCostIsUpgraded() {
        loginAndAwaitUpgrade("old-bcrypt", "old-bcrypt-password");
    }

    @Test
    void pbkdf2UnderTheConfiguredIterationsIsUpgraded() {
        loginAndAwaitUpgrade("pbkdf2", "password");
    }

    @Test
    void ldapSshaIsUpgradedWhenLegacyFormatsAreOn() {
        loginAndAwaitUpgrade("ldap", "ldap-password");
    }

    @Test
    void tomcatSaltIterationsHashIsUpgradedWhenLegacyFormatsAreOn() throws Exception {
        loginAndAwaitUpgrade("tomcat", "tomcat-password");
    }

    @Test
    void aWrongPasswordOrAHashAtThePolicyIsLeftAlone() {
        String mistyped = hashOf("mistyped");
        String current = hashOf("current");
        assertEquals(401, http.jsonLogin("mistyped", "not-the-password").status());
        assertEquals(200, http.jsonLogin("current", "current-password").status());
        // Upgrades run one at a time in order: once the sentinel's is stored, any for the two above would be too.
        loginAndAwaitUpgrade("sentinel", "sentinel-password");
        assertEquals(mistyped, hashOf("mistyped"));
        assertEquals(current, hashOf("current"));
    }

    @Test
    void aLoginNeverWaitsForItsUpgrade() throws Exception {
        String before = hashOf("locked-row");
        try (Connection lock = DriverManager.getConnection(url)) {
            lock.setAutoCommit(false);
            try (PreparedStatement s = lock.prepareStatement("SELECT 1 FROM users WHERE username = 'locked-row' FOR UPDATE")) {
                s.executeQuery().close();
            }
            // The UPDATE now blocks on the row lock; the login answers all the same.
            Answer answer = http.jsonLogin("locked-row", "locked-row-password");
            assertEquals(200, answer.status(), answer.toString());
            assertEquals(before, hashOf("locked-row"), "not upgraded while the row is locked");
            lock.commit();
        }
        assertTrue(LoginHarness.eventually(WITHIN, () -> hashOf("locked-row").startsWith(UPGRADED)),
                "upgraded once the lock is released");
    }
}
