package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.token.Forge;
import dev.holdfast.token.Keys;
import dev.holdfast.token.TokenIssuer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JwtAuthFilter and JwksServlet in a real embedded Jetty 12 (ee10), over real HTTP:
 * {@code /app} verifies with {@code jwt.secret}; {@code /keys} signs with a {@code jwt.keys} JWK Set and
 * publishes it; {@code /verify} is a verify-only node reading {@code /keys}' JWKS URL.
 */
class JwtAuthFilterIT {

    static final String SECRET = new String(Forge.SECRET, StandardCharsets.US_ASCII);
    static final String HTML = "text/html,application/xhtml+xml,*/*;q=0.8";
    static Server server;
    static String base;
    static Path keysFile;
    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** Echoes what the filter told the app. */
    public static final class Echo extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print("user=" + req.getRemoteUser() + " auth=" + req.getAuthType()
                    + " admin=" + req.isUserInRole("admin") + " claims=" + (req.getAttribute("holdfast.claims") != null));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        keysFile = Files.createTempFile("holdfast-keys", ".json");
        Files.write(keysFile, Forge.privateSet(Forge.ec(), Forge.rsa()).getBytes(StandardCharsets.UTF_8));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        // Bound here, before the contexts that need the port are built: no window in which another process
        // could take a port chosen and released earlier.
        connector.setPort(0);
        connector.open();
        int port = connector.getLocalPort();
        server.addConnector(connector);

        ServletContextHandler app = new ServletContextHandler("/app");
        app.setInitParameter("holdfast.jwt.secret", SECRET);
        FilterHolder all = new FilterHolder(JwtAuthFilter.class);
        all.setName("all");
        all.setInitParameter("exclude", "/public/*,*.css,/.well-known/*");
        app.addFilter(all, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder admin = new FilterHolder(JwtAuthFilter.class);
        admin.setName("admin");
        admin.setInitParameter("requireRoles", "admin");
        admin.setInitParameter("onFailure", "401");
        app.addFilter(admin, "/admin/*", EnumSet.of(DispatcherType.REQUEST));
        app.addServlet(new ServletHolder(JwksServlet.class), "/.well-known/jwks.json");
        app.addServlet(new ServletHolder(Echo.class), "/*");

        ServletContextHandler keys = new ServletContextHandler("/keys");
        keys.setInitParameter("holdfast.jwt.keys", keysFile.toString());
        keys.addServlet(new ServletHolder(JwksServlet.class), "/.well-known/jwks.json");

        ServletContextHandler verify = new ServletContextHandler("/verify");
        verify.setInitParameter("holdfast.jwt.jwksUrl", "http://127.0.0.1:" + port + "/keys/.well-known/jwks.json");
        verify.addFilter(new FilterHolder(JwtAuthFilter.class), "/*", EnumSet.of(DispatcherType.REQUEST));
        verify.addServlet(new ServletHolder(Echo.class), "/*");

        server.setHandler(new Handler.Sequence(app, keys, verify));
        server.start();
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        Files.deleteIfExists(keysFile);
    }

    static String hmacToken(List<String> roles) {
        return new TokenIssuer(Keys.hmac(Forge.SECRET), "holdfast", Optional.empty(), Clock.systemUTC())
                .issue("alice", Optional.of("7"), roles, "database", Duration.ofMinutes(5)).compact();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET();
    }

    @Test
    void bearerHeaderReachesTheApp() throws Exception {
        HttpResponse<String> r = send(get("/app/orders").header("Authorization", "Bearer " + hmacToken(List.of("user"))));
        assertEquals(200, r.statusCode());
        assertEquals("user=alice auth=BEARER admin=false claims=true", r.body());
    }

    @Test
    void cookieReachesTheApp() throws Exception {
        HttpResponse<String> r = send(get("/app/orders").header("Cookie", "holdfast_token=" + hmacToken(List.of())));
        assertEquals(200, r.statusCode());
        assertEquals("user=alice auth=COOKIE admin=false claims=true", r.body());
    }

    @Test
    void apiClientWithoutTokenGets401WithBearerChallenge() throws Exception {
        HttpResponse<String> r = send(get("/app/orders").header("Accept", "application/json"));
        assertEquals(401, r.statusCode());
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    }

    @Test
    void invalidTokenGets401InvalidTokenWithoutEchoingIt() throws Exception {
        String forged = Forge.jws(Forge.hsHeader(), Forge.claims(), Forge.hmac(new byte[32]));
        HttpResponse<String> r = send(get("/app/orders").header("Authorization", "Bearer " + forged));
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer error=\"invalid_token\""));
        assertFalse(r.body().contains(forged.substring(0, 30)));
    }

    @Test
    void browserIsRedirectedToTheLoginPageWithNext() throws Exception {
        HttpResponse<String> r = send(get("/app/orders/7?tab=items").header("Accept", HTML));
        assertEquals(302, r.statusCode());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertTrue(location.endsWith("/app/login.jsp?next=%2Forders%2F7%3Ftab%3Ditems"), location);
    }

    @Test
    void excludedPathsPassWithoutToken() throws Exception {
        assertEquals("user=null auth=null admin=false claims=false", send(get("/app/public/readme")).body());
        assertEquals(200, send(get("/app/site.css")).statusCode());
        assertEquals(200, send(get("/app/login.jsp")).statusCode());
    }

    @Test
    void requireRolesGives403WithoutTheRoleAndPassesWithIt() throws Exception {
        HttpResponse<String> refused = send(get("/app/admin/users").header("Authorization", "Bearer " + hmacToken(List.of("user"))));
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("insufficient_scope"), refused.body());
        HttpResponse<String> allowed = send(get("/app/admin/users").header("Authorization", "Bearer " + hmacToken(List.of("admin"))));
        assertEquals(200, allowed.statusCode());
        assertEquals("user=alice auth=BEARER admin=true claims=true", allowed.body());
    }

    @Test
    void crossSiteCookiePostIs403AndSameSitePostPasses() throws Exception {
        String cookie = "holdfast_token=" + hmacToken(List.of());
        HttpResponse<String> crossSite = send(HttpRequest.newBuilder(URI.create(base + "/app/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://evil.example"));
        assertEquals(403, crossSite.statusCode());
        HttpResponse<String> noOrigin = send(HttpRequest.newBuilder(URI.create(base + "/app/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).header("Cookie", cookie));
        assertEquals(403, noOrigin.statusCode());
        HttpResponse<String> sameSite = send(HttpRequest.newBuilder(URI.create(base + "/app/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).header("Cookie", cookie).header("Origin", base));
        assertEquals(200, sameSite.statusCode());
        HttpResponse<String> bearer = send(HttpRequest.newBuilder(URI.create(base + "/app/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).header("Authorization", "Bearer " + hmacToken(List.of())));
        assertEquals(200, bearer.statusCode());
    }

    @Test
    void jwksIs404ForHmacAndPublishesPublicKeysForJwtKeys() throws Exception {
        assertEquals(404, send(get("/app/.well-known/jwks.json")).statusCode());
        HttpResponse<String> r = send(get("/keys/.well-known/jwks.json"));
        assertEquals(200, r.statusCode());
        assertEquals("public, max-age=300", r.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(r.body().contains("\"kty\":\"EC\"") && r.body().contains("\"kty\":\"RSA\""), r.body());
        assertFalse(r.body().contains("\"d\""), r.body());
    }

    @Test
    void verifyOnlyNodeAcceptsTokensSignedWithThePublishedKeys() throws Exception {
        String token = new TokenIssuer(Keys.fromJwkSet(Forge.privateSet(Forge.ec(), Forge.rsa())), "holdfast", Optional.empty(),
                Clock.systemUTC()).issue("dave", Optional.empty(), List.of("admin"), "database", Duration.ofMinutes(5)).compact();
        HttpResponse<String> r = send(get("/verify/x").header("Authorization", "Bearer " + token));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("user=dave auth=BEARER admin=true claims=true", r.body());
        String hmac = hmacToken(List.of());
        assertEquals(401, send(get("/verify/x").header("Authorization", "Bearer " + hmac)).statusCode());
    }

    @Test
    void hugeAndHostileTokensNeverCauseA500() throws Exception {
        for (String token : List.of("a".repeat(7000), "x.y.z", "....", "e30.e30.", Forge.b64("{\"alg\":\"none\"}") + ".e30.")) {
            int status = send(get("/app/orders").header("Authorization", "Bearer " + token)).statusCode();
            assertEquals(401, status, token.length() > 40 ? token.substring(0, 40) : token);
        }
    }

    /** Issue 8 item 5: malformed and hostile tokens that fit the container's header limit, answered by Holdfast. */
    static List<String> hostileTokens() {
        String deep = "{\"sub\":" + "[".repeat(2500) + "]".repeat(2500) + "}";
        String deepHeader = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"x\":" + "[".repeat(40) + "]".repeat(40) + "}";
        byte[] badUtf8 = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        return List.of(
                Forge.jws(Forge.hsHeader(), deep, Forge.hmac(Forge.SECRET)),
                Forge.jws(Forge.hsHeader(), deep, Forge.hmac(new byte[32])),
                Forge.jws(deepHeader, Forge.claims(), Forge.hmac(Forge.SECRET)),
                Forge.b64(badUtf8) + "." + Forge.b64(Forge.claims()) + "." + Forge.b64(new byte[32]),
                Forge.jws(Forge.hsHeader(), "[1,2,3]", Forge.hmac(Forge.SECRET)),
                Forge.jws(Forge.hsHeader(), "not json", Forge.hmac(Forge.SECRET)),
                Forge.jws(Forge.hsHeader(), Forge.claims() + "{}", Forge.hmac(Forge.SECRET)),
                Forge.hs(Forge.claims("\"exp\":1e400")),
                Forge.hs(Forge.claims().replace("\"sub\":\"alice\"", "\"sub\":{\"a\":[{}]}")),
                Forge.jws("{\"alg\":\"HS256\",\"kid\":{},\"typ\":\"at+jwt\"}", Forge.claims(), Forge.hmac(Forge.SECRET)),
                Forge.hs(Forge.claims()) + "x",
                "A".repeat(7000) + "." + "A".repeat(10) + ".AAAA");
    }

    @Test
    void malformedAndHostileTokensAre401InvalidTokenInTheHeaderAndTheCookie() throws Exception {
        for (String token : hostileTokens()) {
            String label = token.length() > 40 ? token.substring(0, 40) : token;
            HttpResponse<String> header = send(get("/app/orders").header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json"));
            assertEquals(401, header.statusCode(), label);
            assertTrue(header.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer error=\"invalid_token\""), label);
            HttpResponse<String> cookie = send(get("/app/orders").header("Cookie", "holdfast_token=" + token)
                    .header("Accept", "application/json"));
            assertEquals(401, cookie.statusCode(), label);
            assertTrue(cookie.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer error=\"invalid_token\""), label);
        }
    }

    @Test
    void aTokenWithoutKidFromAnotherIssuerSharingTheSecretReachesTheApp() throws Exception {
        // issue 8 item 4, end to end: what a service signing with a shared secret and no kid sends
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"holdfast\",\"sub\":\"erin\",\"iat\":" + now + ",\"exp\":" + (now + 300)
                + ",\"jti\":\"svc-1\",\"roles\":[\"admin\"]}";
        String token = Forge.jws("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", claims, Forge.hmac(Forge.SECRET));
        HttpResponse<String> r = send(get("/app/orders").header("Authorization", "Bearer " + token));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("user=erin auth=BEARER admin=true claims=true", r.body());
    }

    @Test
    void aRefusedPostLeavesTheConnectionUsableForTheNextRequest() throws Exception {
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            // The headers first, the body later: a filter that answers without reading it leaves unread content
            // behind, and the container then closes the connection under the client's next request.
            out.write(("POST /app/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200); // ordering only: lets the request be dispatched before its body arrives
            out.write(("x=1GET /app/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answers = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int first = answers.indexOf("HTTP/1.1 401");
            int second = answers.indexOf("HTTP/1.1 401", first + 1);
            assertTrue(first >= 0 && second > first, "two 401 answers on one connection: " + answers);
        }
    }

}
