package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built WAR in a real embedded Jetty 12 (ee10) with JSP, context parameters from the harness. */
class EmbeddedJettyIT {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedJetty jetty;

    @BeforeAll
    static void deploy() throws Exception {
        jetty = EmbeddedJetty.start(Map.of(
                "holdfast.jwt.secret", TestSecrets.hmacSetting(),
                "holdfast.db.url", TestDatabase.shared().createDatabaseWithSchema("jetty_harness"),
                "holdfast.test.marker", "set <by> the harness & escaped"));
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    @Test
    void servesThePublicJspFromTheBuiltWar() throws Exception {
        HttpResponse<String> response = get("/index.jsp");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
                response.headers().toString());
        assertTrue(response.body().contains("Logins that hold when the database doesn"), response.body());
    }

    @Test
    void servesAStaticFileFromTheBuiltWar() throws Exception {
        HttpResponse<String> response = get("/static/login.js");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("javascript"),
                response.headers().toString());
        assertTrue(response.body().contains("/auth/emergency-login") || response.body().contains("data-emergency"),
                "the script's own text");
    }

    @Test
    void givesTheApplicationTheContextParameters() {
        assertEquals("set <by> the harness & escaped", jetty.servletContext().getInitParameter("holdfast.test.marker"));
    }

    @Test
    void loginPageKeepsALocalNextAndPostsToTheLoginServlet() throws Exception {
        String body = get("/login.jsp?next=" + encode("/app/notes.jsp?sort=date")).body();

        assertTrue(body.contains("name=\"next\" value=\"/app/notes.jsp?sort=date\""), body);
        assertTrue(body.contains("action=\"/auth/login\""), body);
        assertTrue(body.contains("<label for=\"username\">"), body);
    }

    @Test
    void loginPageDropsANextThatLeavesTheApplicationAndNeverEchoesTheError() throws Exception {
        String body = get("/login.jsp?error=" + encode("<script>alert(1)</script>")
                + "&next=" + encode("//evil.example/")).body();

        assertFalse(body.contains("evil.example"), body);
        assertFalse(body.contains("alert(1)"), body);
        assertTrue(body.contains("name=\"next\" value=\"\""), body);
        assertTrue(body.contains("Sign-in didn&#39;t work. Please try again."), body);
    }

    @Test
    void loginPageTellsAnOutageApartFromAWrongPassword() throws Exception {
        String unavailable = get("/login.jsp?error=unavailable").body();
        String invalid = get("/login.jsp?error=invalid").body();

        assertTrue(unavailable.contains("Your password is not the problem"), unavailable);
        assertTrue(invalid.contains("username and password don&#39;t match"), invalid);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(jetty.uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
