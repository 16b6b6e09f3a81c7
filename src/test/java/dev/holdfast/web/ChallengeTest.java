package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.holdfast.config.Settings.OnFailure;
import org.junit.jupiter.api.Test;

class ChallengeTest {

    static final String HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

    static ServletMocks.Response noToken(Challenge challenge, ServletMocks.Request request) throws Exception {
        ServletMocks.Response response = new ServletMocks.Response();
        challenge.noToken(request.build(), response.mock);
        return response;
    }

    @Test
    void apiClientWithoutTokenGets401BearerWithoutError() throws Exception {
        ServletMocks.Response r = noToken(new Challenge("/login.jsp", OnFailure.AUTO),
                new ServletMocks.Request("GET", "/orders").header("Accept", "application/json"));
        assertEquals(401, r.status);
        assertEquals("Bearer", r.header("WWW-Authenticate"));
        assertEquals("{\"error\":\"invalid_token\",\"error_description\":\"a bearer token is required\"}", r.body());
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals("application/json;charset=UTF-8", r.header("Content-Type"));
    }

    @Test
    void browserIsSentToTheLoginPageWithNextIncludingTheQuery() throws Exception {
        ServletMocks.Response r = noToken(new Challenge("/login.jsp", OnFailure.AUTO),
                new ServletMocks.Request("GET", "/orders/7?tab=items&x=1").header("Accept", HTML));
        assertEquals(302, r.status);
        assertEquals("/app/login.jsp?next=%2Forders%2F7%3Ftab%3Ditems%26x%3D1", r.header("Location"));
    }

    @Test
    void xhrIsNotRedirectedEvenIfItAcceptsHtml() throws Exception {
        ServletMocks.Response r = noToken(new Challenge("/login.jsp", OnFailure.AUTO),
                new ServletMocks.Request("GET", "/orders").header("Accept", HTML).header("X-Requested-With", "XMLHttpRequest"));
        assertEquals(401, r.status);
    }

    @Test
    void invalidHeaderTokenIsNeverRedirectedInAutoMode() throws Exception {
        ServletMocks.Response r = new ServletMocks.Response();
        new Challenge("/login.jsp", OnFailure.AUTO).invalidToken(
                new ServletMocks.Request("GET", "/orders").header("Accept", HTML).build(), r.mock, "the token has expired", true);
        assertEquals(401, r.status);
        assertEquals("Bearer error=\"invalid_token\", error_description=\"the token has expired\"", r.header("WWW-Authenticate"));
        assertEquals("{\"error\":\"invalid_token\",\"error_description\":\"the token has expired\"}", r.body());
    }

    @Test
    void redirectModeRedirectsEveryone() throws Exception {
        ServletMocks.Response r = noToken(new Challenge("/login.jsp", OnFailure.REDIRECT),
                new ServletMocks.Request("GET", "/orders").header("Accept", "application/json"));
        assertEquals(302, r.status);
        assertEquals("/app/login.jsp?next=%2Forders", r.header("Location"));
    }

    @Test
    void unauthorizedModeNeverRedirects() throws Exception {
        ServletMocks.Response r = noToken(new Challenge("/login.jsp", OnFailure.UNAUTHORIZED),
                new ServletMocks.Request("GET", "/orders").header("Accept", HTML));
        assertEquals(401, r.status);
    }

    @Test
    void loginPageWithAQueryGetsNextAppended() throws Exception {
        ServletMocks.Response r = noToken(new Challenge("/login.jsp?lang=en", OnFailure.REDIRECT),
                new ServletMocks.Request("GET", "/o"));
        assertEquals("/app/login.jsp?lang=en&next=%2Fo", r.header("Location"));
    }

    @Test
    void insufficientRoleIs403InsufficientScope() throws Exception {
        ServletMocks.Response r = new ServletMocks.Response();
        new Challenge("/login.jsp", OnFailure.AUTO).insufficientRole(new ServletMocks.Request("GET", "/admin/").build(), r.mock);
        assertEquals(403, r.status);
        assertEquals("Bearer error=\"insufficient_scope\"", r.header("WWW-Authenticate"));
        assertEquals("{\"error\":\"insufficient_scope\",\"error_description\":\"the token does not carry a role this resource requires\"}", r.body());
    }

    @Test
    void insufficientRoleForABrowserIsTheApplications403Page() throws Exception {
        ServletMocks.Response r = new ServletMocks.Response();
        new Challenge("/login.jsp", OnFailure.AUTO).insufficientRole(
                new ServletMocks.Request("GET", "/admin/").header("Accept", "text/html").build(), r.mock);
        assertEquals(403, r.status);
        assertEquals("", r.body(), "the container renders its error page; no JSON for a person");
    }

    @Test
    void crossOriginIs403AccessDenied() throws Exception {
        ServletMocks.Response r = new ServletMocks.Response();
        Challenge.crossOrigin(r.mock);
        assertEquals(403, r.status);
        assertEquals("{\"error\":\"access_denied\",\"error_description\":\"a request that changes state with the login cookie must come from this site\"}", r.body());
    }

    @Test
    void refusesALoginPageOutsideTheApplication() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Challenge("//evil.example/login", OnFailure.AUTO));
        assertEquals("loginPage [//evil.example/login] is not a path inside the application", e.getMessage());
    }
}
