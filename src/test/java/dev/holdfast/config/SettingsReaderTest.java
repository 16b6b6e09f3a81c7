package dev.holdfast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.SettingsReader.Purpose;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsReaderTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String DB = "jdbc:postgresql://127.0.0.1:5432/test";

    private final Map<String, String> system = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, String> init = new HashMap<>();
    private final Map<String, String> context = new HashMap<>(Map.of("holdfast.jwt.secret", SECRET, "holdfast.db.url", DB));

    private SettingsReader reader() {
        return new SettingsReader(system, environment, init, context, "holdfast-filter");
    }

    private Settings listener() throws ConfigException {
        return reader().read(Purpose.LISTENER);
    }

    private List<String> problems(Purpose purpose) {
        return assertThrows(ConfigException.class, () -> reader().read(purpose)).problems();
    }

    @Test
    void usesDefaultsWhenNothingIsSet() throws ConfigException {
        Settings settings = listener();
        assertEquals("holdfast", settings.get(Settings.JWT_ISSUER));
        assertEquals(Duration.ofHours(1), settings.get(Settings.JWT_TTL));
        assertEquals(10, settings.get(Settings.DB_MAX_TOTAL));
        assertFalse(settings.get(Settings.EMERGENCY_ENABLED));
        assertTrue(settings.find(Settings.JWT_AUDIENCE).isEmpty());
    }

    @Test
    void systemPropertyWinsOverEnvironmentOverContextParam() throws ConfigException {
        context.put("holdfast.jwt.issuer", "from-context");
        environment.put("HOLDFAST_JWT_ISSUER", "from-env");
        assertEquals("from-env", listener().get(Settings.JWT_ISSUER));
        system.put("holdfast.jwt.issuer", "from-system");
        assertEquals("from-system", listener().get(Settings.JWT_ISSUER));
    }

    @Test
    void perInstanceInitParamWinsOverContextParamButNotOverEnvironment() throws ConfigException {
        context.put("holdfast.login.page", "/context.jsp");
        init.put("holdfast.login.page", "/instance.jsp");
        assertEquals("/instance.jsp", reader().read(Purpose.FILTER).get(Settings.LOGIN_PAGE));
        environment.put("HOLDFAST_LOGIN_PAGE", "/env.jsp");
        assertEquals("/env.jsp", reader().read(Purpose.FILTER).get(Settings.LOGIN_PAGE));
    }

    @Test
    void readsFileValuesTrimmed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.write(file, ("  " + SECRET + "xyz\n").getBytes(StandardCharsets.UTF_8));
        context.put("holdfast.jwt.secret", "file:" + file);
        assertEquals(35, listener().get(Settings.JWT_SECRET).length());
    }

    @Test
    void reportsUnreadableFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing");
        context.put("holdfast.jwt.secret", "file:" + missing);
        assertEquals(List.of("holdfast: [holdfast.jwt.secret] = [file:" + missing
                + "] cannot be read (NoSuchFileException); give a readable file"), problems(Purpose.LISTENER));
    }

    @Test
    void refusesAFileValueLargerThan64KiBAndNeverReadsADeviceToTheEnd(@TempDir Path dir) throws Exception {
        Path large = dir.resolve("large");
        Files.write(large, new byte[SettingsReader.MAX_FILE_BYTES + 1]);
        context.put("holdfast.jwt.secret", "file:" + large);
        assertEquals(List.of("holdfast: [holdfast.jwt.secret] = [file:" + large
                + "] is larger than 64 KiB; give a file holding the value only"), problems(Purpose.LISTENER));
        Path exactly = dir.resolve("exactly");
        Files.write(exactly, (SECRET + " ".repeat(SettingsReader.MAX_FILE_BYTES - SECRET.length())).getBytes(StandardCharsets.US_ASCII));
        context.put("holdfast.jwt.secret", "file:" + exactly);
        assertEquals(SECRET.length(), listener().get(Settings.JWT_SECRET).length(), "a file of exactly 64 KiB is read");
        if (Files.isReadable(Path.of("/dev/zero"))) {
            context.put("holdfast.jwt.secret", "file:/dev/zero");
            assertEquals(List.of("holdfast: [holdfast.jwt.secret] = [file:/dev/zero] is larger than 64 KiB;"
                    + " give a file holding the value only"), problems(Purpose.LISTENER));
        }
    }

    @Test
    void acceptsIsoDurationsAndPlainSeconds() throws ConfigException {
        context.put("holdfast.db.maxWait", "PT0.5S");
        context.put("holdfast.jwt.ttl", "900");
        Settings settings = listener();
        assertEquals(Duration.ofMillis(500), settings.get(Settings.DB_MAX_WAIT));
        assertEquals(Duration.ofMinutes(15), settings.get(Settings.JWT_TTL));
    }

    @Test
    void rejectsNonDuration() {
        context.put("holdfast.db.maxWait", "soon");
        assertEquals(List.of("holdfast: [holdfast.db.maxWait] = [soon] is not a duration; use PT1S or a number of seconds"),
                problems(Purpose.LISTENER));
    }

    @Test
    void rejectsDurationOutOfRangeInsteadOfClamping() {
        context.put("holdfast.jwt.clockSkew", "PT1H");
        assertEquals(List.of("holdfast: [holdfast.jwt.clockSkew] = [PT1H] is out of range; use a duration from PT0S to PT5M"),
                problems(Purpose.LISTENER));
    }

    @Test
    void parsesBooleansStrictly() {
        context.put("holdfast.emergency.enabled", "ture");
        assertEquals(List.of("holdfast: [holdfast.emergency.enabled] = [ture] is not true or false"), problems(Purpose.LISTENER));
        context.put("holdfast.emergency.enabled", "TRUE");
        assertEquals(List.of("holdfast: [holdfast.emergency.enabled] = [TRUE] is not true or false"), problems(Purpose.LISTENER));
    }

    @Test
    void rejectsNumbersOutOfRange() {
        context.put("holdfast.db.maxTotal", "0");
        assertEquals(List.of("holdfast: [holdfast.db.maxTotal] = [0] is not a whole number from 1 to 500"), problems(Purpose.LISTENER));
    }

    @Test
    void requiresSecretWithExactMessage() {
        context.remove("holdfast.jwt.secret");
        assertEquals(List.of("holdfast: [holdfast.jwt.secret] is required (at least 32 bytes) unless [holdfast.jwt.keys] is set;"
                + " set it in web.xml, -Dholdfast.jwt.secret or HOLDFAST_JWT_SECRET"), problems(Purpose.LISTENER));
    }

    @Test
    void rejectsShortSecretAndMasksIt() {
        context.put("holdfast.jwt.secret", "too-short-secret");
        List<String> problems = problems(Purpose.LISTENER);
        assertEquals(List.of("holdfast: [holdfast.jwt.secret] = [*****] is too short (16 bytes); use at least 32 random bytes,"
                + " e.g. base64: and 32 bytes from a secure generator"), problems);
        assertFalse(problems.get(0).contains("too-short-secret"));
    }

    @Test
    void acceptsBase64Secret() throws ConfigException {
        context.put("holdfast.jwt.secret", "base64:" + java.util.Base64.getEncoder().encodeToString(new byte[48]));
        assertEquals(48, listener().get(Settings.JWT_SECRET).length());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        context.remove("holdfast.db.url");
        context.put("holdfast.db.maxWait", "soon");
        context.put("holdfast.emergency.enabled", "ture");
        context.put("holdfast.cookie.secure", "yes");
        assertEquals(List.of(
                "holdfast: [holdfast.db.maxWait] = [soon] is not a duration; use PT1S or a number of seconds",
                "holdfast: [holdfast.emergency.enabled] = [ture] is not true or false",
                "holdfast: [holdfast.cookie.secure] = [yes] is not one of auto, true, false",
                "holdfast: [holdfast.db.url] is required unless [holdfast.db.jndi] is set; e.g. jdbc:postgresql://host:5432/database"),
                problems(Purpose.LISTENER));
    }

    @Test
    void warnsAboutUnknownSettingWithNearestName() throws ConfigException {
        context.put("holdfast.jwt.isuer", "x");
        environment.put("HOLDFAST_JWT_ISUER", "x");
        SettingsReader reader = reader();
        reader.read(Purpose.LISTENER);
        assertEquals(List.of("holdfast: unknown setting [holdfast.jwt.isuer]; did you mean [holdfast.jwt.issuer]?",
                "holdfast: unknown setting [HOLDFAST_JWT_ISUER]; did you mean [HOLDFAST_JWT_ISSUER]?"), reader.warnings());
    }

    @Test
    void refusesUnknownInitParamOfFilter() {
        init.put("exlude", "/public/*");
        assertEquals(List.of("holdfast: unknown init-param [exlude] of [holdfast-filter]; did you mean [exclude]?"),
                problems(Purpose.FILTER));
    }

    @Test
    void refusesSharedSettingAsInitParam() {
        init.put("holdfast.jwt.issuer", "x");
        assertEquals(List.of("holdfast: [holdfast.jwt.issuer] cannot be an init-param of [holdfast-filter]; set it as a context-param,"
                + " -Dholdfast.jwt.issuer or HOLDFAST_JWT_ISSUER"), problems(Purpose.FILTER));
    }

    @Test
    void readsFilterInitParams() throws ConfigException {
        init.put("exclude", "/public/*, *.css");
        init.put("requireRoles", "admin");
        init.put("onFailure", "401");
        Settings settings = reader().read(Purpose.FILTER);
        assertEquals(List.of("/public/*", "*.css"), settings.get(Settings.FILTER_EXCLUDE));
        assertEquals(List.of("admin"), settings.get(Settings.FILTER_REQUIRE_ROLES));
        assertEquals(Settings.OnFailure.UNAUTHORIZED, settings.get(Settings.FILTER_ON_FAILURE));
    }

    @Test
    void filterAloneAcceptsJwksUrlInsteadOfSecret() throws ConfigException {
        context.clear();
        context.put("holdfast.jwt.jwksUrl", "https://login.example/.well-known/jwks.json");
        assertEquals("login.example", reader().read(Purpose.FILTER).get(Settings.JWT_JWKS_URL).getHost());
    }

    @Test
    void listenerRefusesJwksUrl() {
        context.put("holdfast.jwt.jwksUrl", "https://login.example/.well-known/jwks.json");
        assertTrue(problems(Purpose.LISTENER).get(0).startsWith("holdfast: [holdfast.jwt.jwksUrl] is for verify-only nodes"));
    }

    @Test
    void refusesBothSecretAndKeys() {
        context.put("holdfast.jwt.keys", "/etc/holdfast/keys.json");
        assertEquals(List.of("holdfast: [holdfast.jwt.secret] and [holdfast.jwt.keys] are both set; set only one"),
                problems(Purpose.LISTENER));
    }

    @Test
    void emergencyWithJndiNeedsItsOwnUrl() {
        context.remove("holdfast.db.url");
        context.put("holdfast.db.jndi", "java:comp/env/jdbc/users");
        context.put("holdfast.emergency.enabled", "true");
        assertEquals(List.of("holdfast: [holdfast.emergency.enabled] = [true] needs its own [holdfast.emergency.db.url]"
                + " when [holdfast.db.jndi] is used"), problems(Purpose.LISTENER));
    }

    @Test
    void rejectsEmptyValue() {
        context.put("holdfast.jwt.issuer", " ");
        assertEquals(List.of("holdfast: [holdfast.jwt.issuer] is empty; remove it or give a value"), problems(Purpose.LISTENER));
    }

    @Test
    void rejectsAuditTableThatIsNotAnIdentifier() {
        context.put("holdfast.audit.table", "audit; DROP TABLE users");
        assertEquals(List.of("holdfast: [holdfast.audit.table] = [audit; DROP TABLE users] is not a table name;"
                + " use letters, digits and _ (optionally schema.table)"), problems(Purpose.LISTENER));
    }

    @Test
    void rejectsLoginPageOutsideTheApplication() {
        context.put("holdfast.login.page", "//evil.example/login");
        assertEquals(List.of("holdfast: [holdfast.login.page] = [//evil.example/login] is not a path inside the application;"
                + " use a path such as /login.jsp"), problems(Purpose.LISTENER));
    }

    @Test
    void rejectsNetworksThatAreNotCidrs() {
        context.put("holdfast.emergency.allow", "10.0.0.0/8, intranet");
        assertEquals(List.of("holdfast: [holdfast.emergency.allow] = [10.0.0.0/8, intranet] is not a comma list of networks;"
                + " use e.g. 127.0.0.1/32,10.0.0.0/8,::1/128"), problems(Purpose.LISTENER));
    }

    @Test
    void describeMasksSecrets() throws ConfigException {
        context.put("holdfast.db.password", "hunter2-db-password");
        String described = listener().describe();
        assertTrue(described.contains("holdfast.jwt.secret=*****"), described);
        assertTrue(described.contains("holdfast.db.password=*****"), described);
        assertFalse(described.contains(SECRET));
        assertFalse(described.contains("hunter2"));
        assertTrue(described.contains("holdfast.db.url=" + DB));
    }

    @Test
    void describeMasksCredentialsInUrls() throws ConfigException {
        context.put("holdfast.db.url", DB + "?user=app&password=hunter2-in-url");
        context.put("holdfast.emergency.db.url", "jdbc:postgresql://replica/app?password=hunter3-in-url");
        String described = listener().describe();
        assertTrue(described.contains("holdfast.db.url=" + DB + "?user=app&password=****"), described);
        assertTrue(described.contains("holdfast.emergency.db.url=jdbc:postgresql://replica/app?password=****"), described);
        assertFalse(described.contains("hunter"), described);
    }

    @Test
    void anInvalidUrlIsReportedWithItsCredentialsMasked() {
        context.put("holdfast.db.url", "postgresql://db/app?password=hunter2-in-url");
        assertEquals(List.of("holdfast: [holdfast.db.url] = [postgresql://db/app?password=****] is not a JDBC URL;"
                + " use jdbc:postgresql://host:5432/database"), problems(Purpose.LISTENER));
    }

    @Test
    void trustedProxiesAreNoneUnlessNamed() throws ConfigException {
        assertTrue(listener().find(Settings.PROXY_TRUSTED).isEmpty());
        context.put("holdfast.proxy.trusted", "10.0.0.0/8, ::1/128");
        assertEquals("[10.0.0.0/8, ::1/128]", listener().get(Settings.PROXY_TRUSTED).toString());
        context.put("holdfast.proxy.trusted", "the load balancer");
        assertEquals(List.of("holdfast: [holdfast.proxy.trusted] = [the load balancer] is not a comma list of networks;"
                + " use e.g. 127.0.0.1/32,10.0.0.0/8,::1/128"), problems(Purpose.LISTENER));
    }

    @Test
    void aHostPrefixedCookieNameNeedsSecureAndTheRootPath() throws ConfigException {
        context.put("holdfast.cookie.name", "__Host-holdfast");
        assertEquals("__Host-holdfast", listener().get(Settings.COOKIE_NAME));
        context.put("holdfast.cookie.secure", "false");
        context.put("holdfast.cookie.path", "/app");
        assertEquals(List.of("holdfast: [holdfast.cookie.name] = [__Host-holdfast] needs the Secure attribute;"
                        + " it cannot be used with [holdfast.cookie.secure] = [false]",
                "holdfast: [holdfast.cookie.name] = [__Host-holdfast] needs Path=/; it cannot be used with"
                        + " [holdfast.cookie.path] = [/app]"), problems(Purpose.FILTER));
    }

    @Test
    void servletsBuiltOnTheListenerRefuseEveryInitParam() {
        jakarta.servlet.ServletConfig config = org.mockito.Mockito.mock(jakarta.servlet.ServletConfig.class);
        org.mockito.Mockito.when(config.getServletName()).thenReturn("holdfast-login");
        org.mockito.Mockito.when(config.getInitParameterNames())
                .thenReturn(java.util.Collections.enumeration(List.of("requireRoles", "holdfast.login.page")));
        assertEquals(List.of(
                "holdfast: [holdfast.login.page] is not an init-param of [holdfast-login]; Holdfast's servlets take their settings from context-params (docs/settings.md)",
                "holdfast: [requireRoles] is not an init-param of [holdfast-login]; Holdfast's servlets take their settings from context-params (docs/settings.md)"),
                assertThrows(ConfigException.class, () -> SettingsReader.requireNoInitParams(config)).problems());
    }
}
