package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the login fault tests share: real HTTP against the deployed WAR, timing of each answer, the checks every
 * response body must pass, a count of audited attempts, and the measured worst latencies written to
 * {@code target/login-latencies.txt}.
 */
final class LoginHarness {
    static final String JSON = "application/json";
    static final String FORM = "application/x-www-form-urlencoded";
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final Pattern TIER = Pattern.compile("\"tier\":\"([a-z]+)\"");
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "at dev.holdfast", "at org.", "at java.",
            "SELECT", "INSERT", "password_hash", "holdfast_audit", "SQLState", "jdbc:", "postgres");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger audited = new AtomicInteger();
    private EmbeddedJetty jetty;

    /** One answer and how long it took. */
    record Answer(int status, String body, Map<String, List<String>> headers, long millis) {
        String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                    return header.getValue().get(0);
                }
            }
            return null;
        }

        String tier() {
            Matcher matcher = TIER.matcher(body);
            return matcher.find() ? matcher.group(1) : "";
        }

        String token() {
            Matcher matcher = TOKEN.matcher(body);
            assertTrue(matcher.find(), body);
            return matcher.group(1);
        }

        @Override
        public String toString() {
            return status + " in " + millis + " ms: " + body;
        }
    }

    /** A deploy's usual parameters: a random secret, spools in a fresh directory, the given main database URL. */
    static EmbeddedJetty.Builder builder(String dbUrl, String spoolPrefix) {
        Path spools;
        try {
            spools = Files.createTempDirectory(spoolPrefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return EmbeddedJetty.builder()
                .contextParameter("holdfast.jwt.secret", TestSecrets.hmacSetting())
                .contextParameter("holdfast.db.url", dbUrl)
                .contextParameter("holdfast.audit.spool", spools.resolve("audit").toString())
                .contextParameter("holdfast.writes.spool", spools.resolve("writes").toString());
    }

    /**
     * A bcrypt hash of a low cost: the load tests measure the login path, not bcrypt; the stored hash decides
     * the verify cost. (Enumeration timing uses the default cost, as the dummy hash does.)
     */
    static String cheapHash(String password) {
        return BcryptFunction.getInstance(Bcrypt.B, 4).hash(password.getBytes(StandardCharsets.UTF_8)).getResult();
    }

    void use(EmbeddedJetty jetty) {
        this.jetty = jetty;
    }

    EmbeddedJetty jetty() {
        return jetty;
    }

    URI uri(String path) {
        return jetty.uri(path);
    }

    /** Login attempts sent so far that reached the login service (and so must each leave one audit row). */
    int audited() {
        return audited.get();
    }

    Answer jsonLogin(String username, String password) {
        return login("/auth/login", username, password);
    }

    Answer login(String path, String username, String password) {
        Answer answer = post(path, JSON, "{\"username\":\"" + jsonEscape(username) + "\",\"password\":\""
                + jsonEscape(password) + "\"}");
        assertClean(answer, password);
        return answer;
    }

    Answer post(String path, String contentType, String body, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), headers);
    }

    Answer postBytes(String path, String contentType, byte[] body, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
    }

    Answer get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    Answer send(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        request.timeout(Duration.ofSeconds(30));
        HttpRequest built = request.build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (reachedTheLoginService(built, response.statusCode())) {
                audited.incrementAndGet();
            }
            return new Answer(response.statusCode(), response.body(), response.headers().map(), millis);
        } catch (IOException e) {
            throw new UncheckedIOException("no answer within 30 s (a hang?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The answers of a login endpoint that come from the login service, which audits each attempt. */
    private static boolean reachedTheLoginService(HttpRequest request, int status) {
        String path = request.uri().getPath();
        boolean login = path.endsWith("/auth/login") || path.endsWith("/auth/emergency-login");
        return login && "POST".equals(request.method())
                && (status == 200 || status == 303 || status == 401 || status == 429 || status == 503);
    }

    /** No stack trace, no SQL, no connection detail, never the password, in any answer. */
    static void assertClean(Answer answer, String password) {
        assertTrue(answer.status() < 500 || answer.status() == 503, "never a server error: " + answer);
        for (String leak : LEAKS) {
            assertFalse(answer.body().contains(leak), "body leaks [" + leak + "]: " + answer);
        }
        if (password != null && password.length() >= 3) {
            assertFalse(answer.body().contains(password), "body echoes the password: " + answer);
            String location = answer.header("Location");
            assertFalse(location != null && location.contains(password), "Location echoes the password: " + location);
        }
    }

    static void assertCached(Answer answer) {
        assertEquals(200, answer.status(), answer.toString());
        assertEquals("cache", answer.tier(), answer.toString());
    }

    static void assertInvalid(Answer answer) {
        assertEquals(401, answer.status(), answer.toString());
        assertEquals("{\"error\":\"invalid_credentials\",\"error_description\":\"the username or password is wrong\"}",
                answer.body());
    }

    static void assertUnavailable(Answer answer) {
        assertEquals(503, answer.status(), answer.toString());
        assertTrue(answer.body().contains("\"error\":\"temporarily_unavailable\""), answer.toString());
        String retryAfter = answer.header("Retry-After");
        assertTrue(retryAfter != null && Long.parseLong(retryAfter) >= 1, "Retry-After: " + answer.headers());
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code within} passes. */
    static boolean eventually(Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    static int auditRows(String jdbcUrl) {
        return count(jdbcUrl, "SELECT count(*) FROM holdfast_audit");
    }

    static int count(String jdbcUrl, String sql, Object... parameters) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Every attempt sent so far has its audit row (exactly once) within {@code within}. */
    void assertAllAudited(String jdbcUrl, Duration within) {
        int expected = audited();
        boolean complete = eventually(within, () -> auditRows(jdbcUrl) >= expected);
        int rows = auditRows(jdbcUrl);
        assertTrue(complete, "audit rows " + rows + " of " + expected + " after " + within);
        assertEquals(expected, rows, "each attempt audited exactly once");
    }

    /** The request threads of Jetty ({@code qtp...}) that are inside Holdfast code right now. */
    static List<String> requestThreadsInHoldfast() {
        List<String> busy = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            if (!thread.getKey().getName().startsWith("qtp")) {
                continue;
            }
            for (StackTraceElement frame : thread.getValue()) {
                if (frame.getClassName().startsWith("dev.holdfast.") && !frame.getClassName().startsWith("dev.holdfast.testing")) {
                    busy.add(thread.getKey().getName() + " at " + frame);
                    break;
                }
            }
        }
        return busy;
    }

    /** A field of the main pool in the health JSON, e.g. {@code active}. */
    static int mainPoolField(String healthJson, String field) {
        int main = healthJson.indexOf("\"main\":");
        Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(healthJson);
        if (main < 0 || !matcher.find(main)) {
            fail("no " + field + " for main in " + healthJson);
        }
        return Integer.parseInt(matcher.group(1));
    }

    static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Writes this test class's lines into {@code target/login-latencies.txt}, replacing its earlier lines and
     * keeping the other classes' lines.
     */
    static synchronized void writeLatencies(String testClass, String settings, Map<String, Long> worstMillis) {
        Path file = Path.of("target", "login-latencies.txt");
        try {
            List<String> lines = new ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.startsWith(testClass + " ")) {
                        lines.add(line);
                    }
                }
            }
            lines.add(testClass + " settings: " + settings);
            for (Map.Entry<String, Long> entry : worstMillis.entrySet()) {
                lines.add(String.format(Locale.ROOT, "%s %-58s worst %6d ms", testClass, entry.getKey(), entry.getValue()));
            }
            Files.createDirectories(file.getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(String.join("\n", new ArrayList<>(worstMillis.entrySet()).stream()
                .map(e -> testClass + " " + e.getKey() + " " + e.getValue() + " ms").toList()));
    }

    /** Worst latency per fault, in the order first recorded. */
    static final class Worst {
        private final Map<String, Long> worst = new LinkedHashMap<>();

        synchronized long record(String fault, Answer answer) {
            worst.merge(fault, answer.millis(), Math::max);
            return answer.millis();
        }

        synchronized Map<String, Long> snapshot() {
            return new LinkedHashMap<>(worst);
        }
    }
}
