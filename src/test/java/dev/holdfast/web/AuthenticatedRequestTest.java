package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatedRequestTest {

    @Test
    void exposesUserRolesAuthTypeAndClaims() {
        HttpServletRequest raw = new ServletMocks.Request("GET", "/x").build();
        Map<String, Object> claims = Map.of("sub", "alice");
        AuthenticatedRequest r = new AuthenticatedRequest(raw, "alice", Set.of("user"), "COOKIE", claims);
        assertEquals("alice", r.getRemoteUser());
        assertEquals("alice", r.getUserPrincipal().getName());
        assertTrue(r.isUserInRole("user"));
        assertFalse(r.isUserInRole("admin"));
        assertFalse(r.isUserInRole(null));
        assertTrue(r.isUserInRole("**"));
        assertEquals("COOKIE", r.getAuthType());
        assertSame(claims, r.getAttribute(AuthenticatedRequest.CLAIMS_ATTRIBUTE));
        assertSame(claims, raw.getAttribute("holdfast.claims"));
    }
}
