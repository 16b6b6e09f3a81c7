package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (Debian's Chromium, headless, driven by Selenium) against the built WAR in Jetty 12 with a
 * real PostgreSQL: the redirect to the login page and back to {@code next}, the role refusal, sign-out, and
 * login.js falling back to {@code /auth/emergency-login} when {@code /auth/login} fails with a server error.
 *
 * <p>Without chromium and chromedriver the tests are skipped with a message, unless {@code CI} is set: there
 * a missing browser is a broken build, not a reason to skip.
 */
class BrowserIT {
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static String mainUrl;
    private static FaultProxy mainProxy;
    private static FaultProxy emergencyProxy;
    private static EmbeddedJetty jetty;
    private static Path profile;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        requireBrowser();
        TestDatabase database = TestDatabase.shared();
        PasswordVerifier passwords = new PasswordVerifier();
        String aliceHash = passwords.hash("alice-password".toCharArray());
        String bobHash = passwords.hash("bob-password".toCharArray());
        // Two databases with the same users: the main one, and the one the emergency login reads (a replica).
        mainUrl = database.createDatabaseWithSchema("browser_main");
        String replicaUrl = database.createDatabaseWithSchema("browser_replica");
        for (String url : new String[] {mainUrl, replicaUrl}) {
            database.insertUser(url, "alice", aliceHash, "user,admin", true);
            database.insertUser(url, "bob", bobHash, "user", true);
        }
        mainProxy = FaultProxy.inFrontOf(database);
        emergencyProxy = FaultProxy.inFrontOf(database);
        Path spools = Files.createTempDirectory("holdfast-browser");
        jetty = EmbeddedJetty.builder()
                .contextParameter("holdfast.jwt.secret", TestSecrets.hmacSetting())
                .contextParameter("holdfast.db.url", mainProxy.wrap(mainUrl))
                .contextParameter("holdfast.db.maxWait", "PT0.5S")
                .contextParameter("holdfast.db.queryTimeout", "PT1S")
                .contextParameter("holdfast.emergency.enabled", "true")
                .contextParameter("holdfast.emergency.db.url", emergencyProxy.wrap(replicaUrl))
                .contextParameter("holdfast.audit.spool", spools.resolve("audit").toString())
                .contextParameter("holdfast.writes.spool", spools.resolve("writes").toString())
                .start();

        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("holdfast-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--window-size=1280,900", "--user-data-dir=" + profile);
        browser = new ChromeDriver(options);
        Files.createDirectories(SCREENSHOTS);
    }

    private static void requireBrowser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String message = "BrowserIT needs " + CHROMIUM + " and " + CHROMEDRIVER
                + " (apt-get install -y --no-install-recommends chromium chromium-driver)";
        if (System.getenv("CI") != null) {
            assertTrue(present, message + "; CI is set, so a missing browser fails the build");
        } else {
            Assumptions.assumeTrue(present, message + "; skipped because CI is not set");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (jetty != null) {
                jetty.close();
            }
            if (mainProxy != null) {
                mainProxy.close();
            }
            if (emergencyProxy != null) {
                emergencyProxy.close();
            }
            if (profile != null) {
                try (Stream<Path> paths = Files.walk(profile)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    @BeforeEach
    void signedOut() {
        browser.get(jetty.uri("/login.jsp").toString());
        browser.manage().deleteAllCookies();
    }

    private static String url(String path) {
        return jetty.uri(path).toString();
    }

    private static String pathAndQuery() {
        URI current = URI.create(browser.getCurrentUrl());
        return current.getRawPath() + (current.getRawQuery() == null ? "" : "?" + current.getRawQuery());
    }

    private static void waitForPath(String pathAndQuery) {
        new WebDriverWait(browser, WAIT).withMessage(() -> "expected " + pathAndQuery + ", at " + browser.getCurrentUrl())
                .until(driver -> pathAndQuery().equals(pathAndQuery));
    }

    private static void signIn(String username, String password) {
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login-submit")).click();
    }

    private static void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    /** The status the browser gets for {@code path} with its own cookie, asked from a script on the page. */
    private static long statusOf(String path) {
        Object status = ((JavascriptExecutor) browser).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'})"
                        + ".then(function (r) { done(r.status); }, function () { done(-1); });",
                path);
        return ((Number) status).longValue();
    }

    @Test
    void protectedPageSendsTheBrowserToSignInThenBackToNext() throws IOException {
        browser.get(url("/app/notes.jsp"));
        waitForPath("/login.jsp?next=%2Fapp%2Fnotes.jsp");
        assertEquals("Sign in", browser.findElement(By.tagName("h1")).getText());
        screenshot("login-page");

        signIn("bob", "bob-password");
        waitForPath("/app/notes.jsp");
        assertTrue(browser.getPageSource().contains("bob"), "the notes page shows the signed-in user");

        browser.get(url("/app/"));
        assertEquals("bob", browser.findElement(By.cssSelector("h1 .user")).getText());
        assertEquals("User database", browser.findElement(By.cssSelector("dd.tier")).getText());
        screenshot("protected-page");
    }

    @Test
    void adminAreaRefusesAUserWithoutTheRole() throws IOException {
        browser.get(url("/admin/"));
        waitForPath("/login.jsp?next=%2Fadmin%2F");
        signIn("bob", "bob-password");
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/admin/"));
        assertTrue(browser.getPageSource().contains("This area needs another role"), "the friendly 403 page, not JSON: " + browser.getPageSource());
        assertEquals(403, statusOf("/admin/"));
        assertEquals(200, statusOf("/app/"));
        screenshot("admin-refused");
    }

    @Test
    void adminAreaOpensForAUserWithTheRole() {
        browser.get(url("/admin/"));
        waitForPath("/login.jsp?next=%2Fadmin%2F");
        signIn("alice", "alice-password");
        waitForPath("/admin/");
        assertEquals(200, statusOf("/admin/"));
        assertTrue(browser.getPageSource().contains("alice"));
    }

    @Test
    void signingOutReturnsToTheLoginPageAndEndsAccess() {
        browser.get(url("/app/"));
        waitForPath("/login.jsp?next=%2Fapp%2F");
        signIn("bob", "bob-password");
        waitForPath("/app/");

        browser.findElement(By.xpath("//form[contains(@action,'/auth/logout')]/button")).click();
        waitForPath("/login.jsp?logged_out");
        WebElement message = browser.findElement(By.id("login-message"));
        assertEquals("You have signed out.", message.getText());

        browser.get(url("/app/"));
        waitForPath("/login.jsp?next=%2Fapp%2F");
    }

    @Test
    void wrongPasswordShowsTheMessageAndStaysOnTheLoginPage() {
        browser.get(url("/app/"));
        waitForPath("/login.jsp?next=%2Fapp%2F");
        signIn("bob", "not-bobs-password");
        WebElement message = browser.findElement(By.id("login-message"));
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOf(message));
        assertTrue(message.getText().startsWith("That username and password don\u2019t match"), message.getText());
        assertEquals("/login.jsp?next=%2Fapp%2F", pathAndQuery());
    }

    /**
     * A botched migration on the main database (the users table renamed) makes the credential query fail:
     * Holdfast's own 503 {@code server_error} from /auth/login, not the tier's definite
     * {@code temporarily_unavailable}. The script then tries the emergency endpoint,
     * which reads the replica through its own pool.
     */
    @Test
    void scriptFallsBackToEmergencyLoginWhenTheLoginEndpointFails() throws IOException {
        TestDatabase database = TestDatabase.shared();
        database.execute(mainUrl, "ALTER TABLE users RENAME TO users_mid_migration");
        try {
            browser.get(url("/app/"));
            waitForPath("/login.jsp?next=%2Fapp%2F");
            assertEquals(503, postLoginFromPage("alice", "alice-password"), "/auth/login itself fails, in its own words");

            signIn("alice", "alice-password");
            waitForPath("/app/");
            assertEquals("alice", browser.findElement(By.cssSelector("h1 .user")).getText());
            assertEquals("Emergency login", browser.findElement(By.cssSelector("dd.tier")).getText());
            screenshot("emergency-login");
        } finally {
            database.execute(mainUrl, "ALTER TABLE users_mid_migration RENAME TO users");
        }
        Assertions.assertNotNull(browser.manage().getCookieNamed("holdfast_token"));
    }

    private static long postLoginFromPage(String username, String password) {
        Object status = ((JavascriptExecutor) browser).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {method: 'POST', headers: {'Accept': 'application/json',"
                        + " 'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1]})"
                        + ".then(function (r) { done(r.status); }, function () { done(-1); });",
                jetty.uri("/auth/login").getPath(), "username=" + username + "&password=" + password);
        return ((Number) status).longValue();
    }
}
