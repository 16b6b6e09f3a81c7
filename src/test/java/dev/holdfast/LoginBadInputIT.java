package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.LoginHarness.Answer;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.RawHttp;
import dev.holdfast.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bad-input catalogue against the deployed WAR over real HTTP: SQL metacharacters, oversized bodies, wrong
 * content types, missing and duplicate fields, bytes that are not UTF-8, open-redirect payloads, and user
 * enumeration by body or by time. No answer is ever a 500, a stack trace, SQL, or the password.
 */
class LoginBadInputIT {
    private static final String KNOWN = "known-user";
    private static final String KNOWN_PASSWORD = "known-password-123";
    private static final String REDIRECTED = "redirected-user";
    private static final String REDIRECTED_PASSWORD = "redirected-password";

    private static final LoginHarness http = new LoginHarness();
    private static final Map<String, Long> figures = new LinkedHashMap<>();
    private static String url;
    private static EmbeddedJetty jetty;
    private static int users;

    @BeforeAll
    static void deploy() {
        TestDatabase database = TestDatabase.shared();
        url = database.createDatabaseWithSchema("badinput");
        // The default cost (bcrypt 12), as the dummy hash for unknown users: the enumeration timing is real.
        database.insertUser(url, KNOWN, new PasswordVerifier().hash(KNOWN_PASSWORD.toCharArray()), "user", true);
        database.insertUser(url, REDIRECTED, LoginHarness.cheapHash(REDIRECTED_PASSWORD), "user", true);
        users = LoginHarness.count(url, "SELECT count(*) FROM users");
        jetty = LoginHarness.builder(url, "holdfast-badinput")
                .contextParameter("holdfast.login.maxFailures", "1000")
                .contextParameter("holdfast.login.maxClientFailures", "100000")
                .start();
        http.use(jetty);
    }

    @AfterAll
    static void undeploy() {
        LoginHarness.writeLatencies("LoginBadInputIT", "enumeration timing, bcrypt cost 12 (known user and dummy hash),"
                + " database up, 20 interleaved pairs after 5 warm-up pairs", figures);
        if (jetty != null) {
            jetty.close();
        }
    }

    private static Answer checked(Answer answer, String password) {
        LoginHarness.assertClean(answer, password);
        return answer;
    }

    private static void assertRefused(int status, Answer answer) {
        assertEquals(status, answer.status(), answer.toString());
        assertTrue(answer.body().startsWith("{\"error\":\"invalid_request\""), answer.toString());
    }

    @Test
    void sqlMetacharactersAndUnicodeInUsernamesAreJustUnknownUsers() {
        List<String> usernames = List.of("' OR '1'='1", "' OR '1'='1' --", "admin'--", "\"; DROP TABLE users;--",
                "'; DROP TABLE users; --", "known-user' --", "known-user'/*", "%", "_", "known%", "' UNION SELECT 1,"
                        + " 'x', '$2b$04$abcdefghijklmnopqrstuu', 'admin', true --", "\\", "\\'", "$1", "?", ":name",
                "ünïcödé", "用户", "😀", "ǅungla", "Ｋｎｏｗｎ-user", "known-user\u200b", "a".repeat(256));
        for (int i = 0; i < usernames.size(); i++) {
            String username = usernames.get(i);
            LoginHarness.assertInvalid(checked(http.jsonLogin(username, KNOWN_PASSWORD), KNOWN_PASSWORD));
            if (i % 3 == 0) { // the form decoder too (each unknown user costs a full bcrypt: keep the count down)
                Answer form = checked(http.post("/auth/login", LoginHarness.FORM, "username=" + encode(username)
                        + "&password=" + encode(KNOWN_PASSWORD), "Accept", "application/json"), KNOWN_PASSWORD);
                LoginHarness.assertInvalid(form);
            }
        }
        // The password may hold them too; it is never compared in SQL.
        LoginHarness.assertInvalid(checked(http.jsonLogin(KNOWN, "' OR '1'='1"), "' OR '1'='1"));
        assertEquals(users, LoginHarness.count(url, "SELECT count(*) FROM users"), "the users table is untouched");
        assertEquals(200, http.jsonLogin(KNOWN, KNOWN_PASSWORD).status());
    }

    @Test
    void controlCharactersInUsernamesAreMalformedRequests() {
        for (String username : List.of("\u0001known-user", "known-user\u001b[31m", "tab\tuser", "line\nbreak",
                "cr\rreturn", "del\u007f", "c1\u0085", "\u0000")) {
            assertRefused(400, checked(http.jsonLogin(username, KNOWN_PASSWORD), KNOWN_PASSWORD));
        }
    }

    @Test
    void loneSurrogatesAreNotAServerError() {
        Answer answer = checked(http.post("/auth/login", LoginHarness.JSON,
                "{\"username\":\"\\ud800user\",\"password\":\"\\udfffpass\"}"), null);
        assertTrue(answer.status() == 400 || answer.status() == 401, answer.toString());
    }

    @Test
    void bodiesOverSixteenKibAreRefusedWith413() throws IOException {
        String padding = "x".repeat(17 * 1024);
        String json = "{\"username\":\"" + padding + "\",\"password\":\"p\"}";
        assertRefused(413, checked(http.post("/auth/login", LoginHarness.JSON, json), null));
        assertRefused(413, checked(http.post("/auth/login", LoginHarness.FORM, "username=a&password=" + padding), null));
        // Chunked: no Content-Length to refuse up front; the reader stops at 16 KiB.
        for (String type : List.of(LoginHarness.JSON, LoginHarness.FORM)) {
            byte[] body = (type.equals(LoginHarness.JSON) ? json : "username=a&password=" + padding).getBytes(StandardCharsets.UTF_8);
            Answer chunked = http.send(HttpRequest.newBuilder(http.uri("/auth/login")).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
            assertRefused(413, checked(chunked, null));
        }
        // A huge declared length is refused from the headers, without waiting for a body that never comes.
        String status = rawStatusLine("POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 10000000\r\nConnection: close\r\n\r\n");
        assertTrue(status.startsWith("HTTP/1.1 413"), status);
        // Just under the limit is read and judged.
        String fits = "{\"username\":\"nobody\",\"password\":\"p\",\"pad\":\"" + "y".repeat(16 * 1024 - 60) + "\"}";
        assertTrue(fits.length() <= 16 * 1024);
        LoginHarness.assertInvalid(checked(http.post("/auth/login", LoginHarness.JSON, fits), null));
    }

    /**
     * The 413 reaches the client however the body is sent: the server reads a refused body (up to 1 MiB) before it
     * answers, so the connection is still in step and carries the next request; a longer one is answered with
     * {@code Connection: close} instead of a reset.
     */
    @Test
    void aRefusedBodyIsReadSoTheConnectionCarriesTheNextRequest() throws IOException {
        byte[] big = ("{\"username\":\"" + "x".repeat(17 * 1024) + "\",\"password\":\"p\"}").getBytes(StandardCharsets.UTF_8);
        byte[] next = "{\"username\":\"nobody\",\"password\":\"p\"}".getBytes(StandardCharsets.UTF_8);
        List<RawHttp.Response> answers = RawHttp.exchange("127.0.0.1", jetty.port(), RawHttp.concat(
                RawHttp.request("POST", "/auth/login", LoginHarness.JSON, big),
                RawHttp.request("POST", "/auth/login", LoginHarness.JSON, next, "Connection: close")), 2);
        assertEquals(2, answers.size(), "both answers on one connection: " + answers);
        assertEquals(413, answers.get(0).status());
        assertEquals(401, answers.get(1).status());
        // Chunked, no length to refuse up front: read to its end too.
        StringBuilder chunked = new StringBuilder("POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                + LoginHarness.JSON + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 20; i++) {
            chunked.append("400\r\n").append("y".repeat(1024)).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        answers = RawHttp.exchange("127.0.0.1", jetty.port(), RawHttp.concat(chunked.toString().getBytes(StandardCharsets.US_ASCII),
                RawHttp.request("POST", "/auth/login", LoginHarness.JSON, next, "Connection: close")), 2);
        assertEquals(List.of(413, 401), answers.stream().map(RawHttp.Response::status).collect(java.util.stream.Collectors.toList()));
        // Declared far too long to read: answered at once, and the connection is closed on purpose.
        List<RawHttp.Response> huge = RawHttp.exchange("127.0.0.1", jetty.port(), ("POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII), 1);
        assertEquals(413, huge.get(0).status());
        assertEquals("close", huge.get(0).header("Connection"));
    }

    @Test
    void wrongContentTypesAreRefusedWith415() {
        String form = "username=" + KNOWN + "&password=" + KNOWN_PASSWORD;
        for (String type : List.of("text/plain", "application/xml", "text/html", "multipart/form-data; boundary=x",
                "application/jsonx", "application/json; charset=iso-8859-1", "application/x-www-form-urlencoded; charset=latin1",
                "application/javascript")) {
            Answer answer = checked(http.post("/auth/login", type, form), KNOWN_PASSWORD);
            assertEquals(415, answer.status(), type + ": " + answer);
        }
        Answer untyped = checked(http.send(HttpRequest.newBuilder(http.uri("/auth/login"))
                .POST(HttpRequest.BodyPublishers.ofString(form))), KNOWN_PASSWORD);
        assertEquals(415, untyped.status(), untyped.toString());
        // Case and parameters in a right type are fine.
        assertEquals(200, http.post("/auth/login", "Application/JSON; charset=UTF-8",
                "{\"username\":\"" + KNOWN + "\",\"password\":\"" + KNOWN_PASSWORD + "\"}").status());
    }

    @Test
    void missingOrMistypedFieldsAreRefusedWith400() {
        for (String json : List.of("{}", "{\"username\":\"a\"}", "{\"password\":\"b\"}", "{\"username\":\"\",\"password\":\"x\"}",
                "{\"username\":\"a\",\"password\":\"\"}", "{\"username\":1,\"password\":\"x\"}",
                "{\"username\":[\"a\"],\"password\":\"x\"}", "{\"username\":null,\"password\":\"x\"}", "[]", "null", "",
                "{", "{\"username\":\"a\",\"password\":\"b\"} trailing", "\"username\"", "{\"username\":{\"$ne\":null},\"password\":\"x\"}")) {
            assertRefused(400, checked(http.post("/auth/login", LoginHarness.JSON, json), null));
        }
        for (String form : List.of("", "username=a", "password=b", "username=&password=b", "username=a&password=",
                "username=a&password=%", "username=a&password=%zz", "&&&")) {
            assertRefused(400, checked(http.post("/auth/login", LoginHarness.FORM, form, "Accept", "application/json"), null));
        }
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWith400() {
        List<byte[]> jsonBodies = List.of(
                concat("{\"username\":\"", new byte[] {(byte) 0xff, (byte) 0xfe}, "\",\"password\":\"x\"}"),
                concat("{\"username\":\"", new byte[] {(byte) 0xc0, (byte) 0xaf}, "\",\"password\":\"x\"}"),
                concat("{\"username\":\"a\",\"password\":\"", new byte[] {(byte) 0xe9}, "\"}"),
                concat("{\"username\":\"", new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, "\",\"password\":\"x\"}"));
        for (int i = 0; i < jsonBodies.size(); i++) {
            Answer answer = checked(http.postBytes("/auth/login", LoginHarness.JSON, jsonBodies.get(i)), null);
            assertEquals(400, answer.status(), "JSON body " + i + ": " + answer);
        }
        List<byte[]> formBodies = List.of(
                "username=%FF%FE&password=x".getBytes(StandardCharsets.US_ASCII),
                "username=%C0%AF&password=x".getBytes(StandardCharsets.US_ASCII),
                "username=a&password=%E9".getBytes(StandardCharsets.US_ASCII),
                concat("username=", new byte[] {(byte) 0xff}, "&password=x"));
        for (int i = 0; i < formBodies.size(); i++) {
            Answer answer = checked(http.postBytes("/auth/login", LoginHarness.FORM, formBodies.get(i), "Accept",
                    "application/json"), null);
            assertEquals(400, answer.status(), "form body " + i + ": " + answer);
        }
    }

    @Test
    void duplicateFieldsAreRefusedWith400() {
        for (String json : List.of("{\"username\":\"a\",\"username\":\"" + KNOWN + "\",\"password\":\"" + KNOWN_PASSWORD + "\"}",
                "{\"username\":\"" + KNOWN + "\",\"password\":\"x\",\"password\":\"" + KNOWN_PASSWORD + "\"}",
                "{\"username\":\"" + KNOWN + "\",\"password\":\"" + KNOWN_PASSWORD + "\",\"next\":\"/a\",\"next\":\"//evil\"}")) {
            assertRefused(400, checked(http.post("/auth/login", LoginHarness.JSON, json), KNOWN_PASSWORD));
        }
        for (String form : List.of("username=a&username=" + KNOWN + "&password=" + KNOWN_PASSWORD,
                "username=" + KNOWN + "&password=x&password=" + KNOWN_PASSWORD,
                "username=" + KNOWN + "&password=" + KNOWN_PASSWORD + "&next=%2Fa&next=%2F%2Fevil")) {
            assertRefused(400, checked(http.post("/auth/login", LoginHarness.FORM, form, "Accept", "application/json"), KNOWN_PASSWORD));
        }
    }

    /** Raw values of {@code next}, before the form encoding. */
    private static final List<String> REDIRECTS = List.of("//evil.example", "///evil.example", "////evil.example",
            "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\\/evil.example", "https://evil.example",
            "https:evil.example", "http:/evil.example", "HTTPS://evil.example", "javascript:alert(1)", "data:text/html,evil",
            "evil.example", "%2F%2Fevil.example", "/%2Fevil.example", "%2f%2fevil.example", "/%5Cevil.example",
            "%5C%5Cevil.example", "/%5C/evil.example", "/%2F%5Cevil.example", "%252F%252Fevil.example",
            "/%252Fevil.example", "/%25252F%25252Fevil.example", "/%255Cevil.example", "https%3A%2F%2Fevil.example",
            "https:%2F%2Fevil.example", "/\t/evil.example", "/\n/evil.example", "\r\n//evil.example", " //evil.example",
            "/%09/evil.example", "/%0d%0a/evil.example", "/%0aLocation:%20https://evil.example", "/\u0000/evil.example",
            "/%00/evil.example", "/./evil.example/..//evil.example", "/..//evil.example", "/%2e%2e//evil.example",
            "/\u2028/evil.example", "/app/%2F%2F%2Fevil.example", "/app/\\evil.example", "//evil.example/app/",
            "/@evil.example", "//%65vil.example", "/%2F/evil.example?x=//evil.example");

    @Test
    void openRedirectPayloadsNeverLeaveTheApplication() {
        URI base = http.uri("/");
        for (String next : REDIRECTS) {
            for (String password : List.of(REDIRECTED_PASSWORD, "wrong-password-here")) {
                Answer answer = checked(http.post("/auth/login", LoginHarness.FORM, "username=" + REDIRECTED
                        + "&password=" + encode(password) + "&next=" + encode(next), "Accept", "text/html"), password);
                assertEquals(303, answer.status(), next + ": " + answer);
                String location = answer.header("Location");
                assertLocal(base, next, location);
                if (!password.equals(REDIRECTED_PASSWORD)) {
                    assertTrue(location.startsWith("/login.jsp?error=invalid"), next + " -> " + location);
                }
            }
        }
        Answer plain = http.post("/auth/login", LoginHarness.FORM, "username=" + REDIRECTED + "&password="
                + REDIRECTED_PASSWORD + "&next=" + encode("/app/notes.jsp?x=1#top"), "Accept", "text/html");
        assertEquals("/app/notes.jsp?x=1#top", plain.header("Location"), "a real local path is kept as given");
    }

    private static void assertLocal(URI base, String next, String location) {
        String shown = next + " -> " + location;
        assertTrue(location != null && location.startsWith("/") && !location.startsWith("//"), shown);
        assertFalse(location.contains("\\") || location.chars().anyMatch(c -> c < 0x20 || c == 0x7f), shown);
        URI resolved = base.resolve(location);
        assertEquals(base.getHost(), resolved.getHost(), shown);
        assertEquals(base.getPort(), resolved.getPort(), shown);
        // Decoded once more (as a proxy or the app might), it still is a path on this host.
        String decoded = java.net.URLDecoder.decode(location.replace("+", "%2B"), StandardCharsets.UTF_8);
        assertFalse(decoded.startsWith("//") || decoded.startsWith("/\\"), shown + " decodes to " + decoded);
    }

    /**
     * Same body, and about the same time. The time is compared on interleaved pairs (alternating which goes first,
     * so drift hits both alike) by the median of the per-pair differences: on a shared 2-core machine a burst of
     * someone else's load moves a mean by more than 10 % on its own, while a real gap (a skipped hash costs the
     * whole bcrypt, ~300 ms of ~300 ms) shows in every pair. A measurement outside 10 % is repeated once, and both
     * are reported; a real gap fails both.
     */
    @Test
    void unknownAndKnownUsersGetTheSameBodyInAboutTheSameTime() {
        String unknownBody = null;
        String knownBody = null;
        for (int i = 0; i < 5; i++) { // warm-up: JIT, pool, dummy hash
            unknownBody = http.jsonLogin("unknown-" + i, "wrong-password-x").body();
            knownBody = http.jsonLogin(KNOWN, "wrong-password-x").body();
        }
        assertEquals(knownBody, unknownBody, "the same body for both");
        double difference = 1;
        String shown = "";
        for (int attempt = 1; attempt <= 2 && difference > 0.10; attempt++) {
            int rounds = 20;
            long[] unknown = new long[rounds];
            long[] known = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                String wrong = "wrong-password-" + attempt + "-" + i;
                if (i % 2 == 0) {
                    unknown[i] = measured(http.jsonLogin("unknown-user-" + attempt + "-" + i, wrong), knownBody);
                    known[i] = measured(http.jsonLogin(KNOWN, wrong), knownBody);
                } else {
                    known[i] = measured(http.jsonLogin(KNOWN, wrong), knownBody);
                    unknown[i] = measured(http.jsonLogin("unknown-user-" + attempt + "-" + i, wrong), knownBody);
                }
            }
            long[] gaps = new long[rounds];
            long[] all = new long[2 * rounds];
            for (int i = 0; i < rounds; i++) {
                gaps[i] = known[i] - unknown[i];
                all[2 * i] = known[i];
                all[2 * i + 1] = unknown[i];
            }
            double unknownMean = Arrays.stream(unknown).average().orElseThrow();
            double knownMean = Arrays.stream(known).average().orElseThrow();
            difference = Math.abs((double) median(gaps)) / median(all);
            String prefix = "enumeration attempt " + attempt + ": ";
            figures.put(prefix + "unknown user, mean", Math.round(unknownMean));
            figures.put(prefix + "known user wrong password, mean", Math.round(knownMean));
            figures.put(prefix + "unknown user, median", median(unknown));
            figures.put(prefix + "known user wrong password, median", median(known));
            figures.put(prefix + "median per-pair gap (known - unknown)", median(gaps));
            shown += String.format("%s median per-pair gap %d ms of median %d ms (%.1f %%); means unknown %.0f,"
                    + " known %.0f ms (%.1f %%). ", prefix, median(gaps), median(all), difference * 100, unknownMean,
                    knownMean, Math.abs(unknownMean - knownMean) * 100 / Math.max(unknownMean, knownMean));
        }
        System.out.println(shown);
        assertTrue(difference <= 0.10, shown);
    }

    private static long measured(Answer answer, String expectedBody) {
        assertEquals(401, answer.status(), answer.toString());
        assertEquals(expectedBody, answer.body());
        return answer.millis();
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String rawStatusLine(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", jetty.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            List<Byte> line = new ArrayList<>();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.add((byte) b);
            }
            byte[] bytes = new byte[line.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = line.get(i);
            }
            return new String(bytes, StandardCharsets.US_ASCII).trim();
        }
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
