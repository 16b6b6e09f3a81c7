package dev.holdfast.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The request as the protected application sees it once a token was verified:
 * {@code getRemoteUser()} and {@code getUserPrincipal().getName()} are {@code sub}, {@code isUserInRole}
 * reads {@code roles}, {@code getAuthType()} is {@code BEARER} or {@code COOKIE}, and the attribute
 * {@value #CLAIMS_ATTRIBUTE} holds the verified claims.
 */
public final class AuthenticatedRequest extends HttpServletRequestWrapper {

    public static final String CLAIMS_ATTRIBUTE = "holdfast.claims";

    private final TokenPrincipal principal;
    private final Set<String> roles;
    private final String authType;

    public AuthenticatedRequest(HttpServletRequest request, String user, Set<String> roles, String authType,
                                Map<String, Object> claims) {
        super(request);
        this.principal = new TokenPrincipal(Objects.requireNonNull(user, "user"));
        this.roles = Set.copyOf(roles);
        this.authType = Objects.requireNonNull(authType, "authType");
        request.setAttribute(CLAIMS_ATTRIBUTE, Objects.requireNonNull(claims, "claims"));
    }

    @Override
    public String getRemoteUser() {
        return principal.getName();
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    /** {@code "**"} is any authenticated user (Servlet spec); other names must be in {@code roles}. */
    @Override
    public boolean isUserInRole(String role) {
        return role != null && ("**".equals(role) || roles.contains(role));
    }

    @Override
    public String getAuthType() {
        return authType;
    }

    /** The user named by a verified token. */
    public static final class TokenPrincipal implements Principal {
        private final String name;

        TokenPrincipal(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TokenPrincipal && ((TokenPrincipal) o).name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        @Override
        public String toString() {
            return "TokenPrincipal[" + name + "]";
        }
    }
}
