package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.AppClient;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * The steps every deployed Holdfast WAR must pass, whichever edition and container runs it (the jakarta WAR in
 * Tomcat 10.1, the javax WAR in Tomcat 9): one copy of each step, so both editions are held to the same answers.
 * The users are alice ({@code user,admin}, password {@code alice-password}) and bob ({@code user},
 * {@code bob-password}); the database answers.
 */
final class WarScenario {
    private final AppClient app;
    private final String contextPath;

    /** @param contextPath where the WAR is deployed, {@code ""} for the root; {@code Location}s start with it */
    WarScenario(AppClient app, String contextPath) {
        this.app = app;
        this.contextPath = contextPath;
    }

    void jsonLoginChecksThePasswordInTheDatabaseAndTheTokenOpensTheApp() throws Exception {
        HttpResponse<String> login = app.jsonLogin("alice", "alice-password");
        assertEquals(200, login.statusCode(), login.body());
        assertTrue(login.body().contains("\"tier\":\"database\""), login.body());

        HttpResponse<String> page = app.send(app.get("/app/").header("Authorization", "Bearer " + AppClient.token(login)));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("alice"), "the protected page shows getRemoteUser()");

        assertEquals(401, app.jsonLogin("alice", "wrong-password").statusCode());
    }

    void aBrowserWithoutATokenIsSentToTheLoginPageWhichKeepsNext() throws Exception {
        HttpResponse<String> response = app.send(app.get("/app/notes.jsp?sort=new").header("Accept", "text/html"));
        assertEquals(302, response.statusCode());
        assertEquals(contextPath + "/login.jsp?next=%2Fapp%2Fnotes.jsp%3Fsort%3Dnew",
                response.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> page = app.send(app.get("/login.jsp?next=%2Fapp%2Fnotes.jsp"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("value=\"/app/notes.jsp\""), "the form keeps next");
    }

    void aFormLoginLandsOnNextWithTheCookie() throws Exception {
        HttpResponse<String> login = app.send(app.post("/auth/login", AppClient.FORM,
                "username=bob&password=bob-password&next=%2Fapp%2Fnotes.jsp").header("Accept", "text/html"));
        assertEquals(303, login.statusCode(), login.body());
        assertEquals(contextPath + "/app/notes.jsp", login.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> page = app.send(app.get("/app/notes.jsp").header("Cookie", AppClient.cookie(login))
                .header("Accept", "text/html"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("bob"), page.body());
    }

    void theAdminPageNeedsTheAdminRole() throws Exception {
        String bob = AppClient.token(app.jsonLogin("bob", "bob-password"));
        HttpResponse<String> refused = app.send(app.get("/admin/").header("Authorization", "Bearer " + bob));
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("insufficient_scope"), refused.body());

        String alice = AppClient.token(app.jsonLogin("alice", "alice-password"));
        assertEquals(200, app.send(app.get("/admin/").header("Authorization", "Bearer " + alice)).statusCode());
    }

    void logoutEndsTheTokenForApiClients() throws Exception {
        String token = AppClient.token(app.jsonLogin("bob", "bob-password"));
        assertEquals(200, app.send(app.get("/app/").header("Authorization", "Bearer " + token)).statusCode());

        HttpResponse<String> logout = app.send(app.post("/auth/logout", AppClient.JSON, "")
                .header("Authorization", "Bearer " + token));

        assertEquals(204, logout.statusCode());
        assertTrue(logout.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, app.send(app.get("/app/").header("Authorization", "Bearer " + token)).statusCode());
    }

    void healthIsUp() throws Exception {
        HttpResponse<String> health = app.send(app.get("/auth/health"));
        assertEquals(200, health.statusCode(), health.body());
        for (String field : List.of("\"status\":\"UP\"", "\"main\":", "\"breaker\":", "\"credentialTier\":")) {
            assertTrue(health.body().contains(field), field + " in " + health.body());
        }
    }
}
