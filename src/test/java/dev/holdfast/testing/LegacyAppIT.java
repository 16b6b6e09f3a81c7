package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample legacy app (src/test/legacy-app) runs in real Tomcat as shipped, unprotected: the baseline
 * that the protected deployment of docs/deploying-on-tomcat.md changes.
 */
class LegacyAppIT {

    static final Path LEGACY_APP = Path.of("src/test/legacy-app");
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedTomcat tomcat;

    @BeforeAll
    static void deploy() {
        tomcat = EmbeddedTomcat.builder().war(LEGACY_APP).contextPath("/orders").start();
    }

    @AfterAll
    static void undeploy() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void greetsAGuestWhenNobodyIsSignedIn() throws Exception {
        HttpResponse<String> response = get("/");

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("You are not signed in."), response.body());
    }

    @Test
    void seesNoUserAndNoRolesThroughTheServletApi() throws Exception {
        String body = get("/whoami.jsp").body();

        assertEquals("user=null\nprincipal=null\nauthType=null\nuser-role=false\nadmin-role=false", body.strip());
    }

    @Test
    void refusesItsOwnProtectedPagesWithoutAUser() throws Exception {
        assertEquals(401, get("/orders.jsp").statusCode());
        assertEquals(403, get("/manage.jsp").statusCode());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(tomcat.uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
