package dev.holdfast.web;

import dev.holdfast.token.Revoker;
import dev.holdfast.token.TokenVerifier;
import dev.holdfast.token.Verification;
import dev.holdfast.token.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP side of {@code /auth/logout}: revokes the presented token's {@code jti} (on this node, and on the others
 * when shared state is on) for as long as
 * the verifier would accept it (its expiry plus the clock skew) and clears the cookie. A token that is missing or already invalid still gets its cookie cleared:
 * logging out must always work.
 */
public final class LogoutEndpoint {
    private final TokenVerifier verifier;
    private final Revoker revocations;
    private final TokenCookies cookies;
    private final BearerTokens tokens;
    private final String loginPage;
    private final TrustedProxies proxies;

    public LogoutEndpoint(TokenVerifier verifier, Revoker revocations, TokenCookies cookies, String loginPage,
                          TrustedProxies proxies) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.cookies = Objects.requireNonNull(cookies, "cookies");
        this.tokens = new BearerTokens(cookies);
        this.loginPage = Objects.requireNonNull(loginPage, "loginPage");
        this.proxies = Objects.requireNonNull(proxies, "proxies");
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            JsonReplies.error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "invalid_request", "use POST");
            return;
        }
        BearerTokens.Extraction extraction = tokens.extract(request);
        boolean fromCookie = extraction.transport().filter(t -> t == BearerTokens.Transport.COOKIE).isPresent();
        // Whether or not the cookie came along (a SameSite=Lax cookie never does cross-site), a foreign page must
        // not log a user out: a nuisance, and a step in login-CSRF chains. With the cookie, the request must also
        // prove it comes from this site.
        if (SameOrigin.isCrossSite(request, proxies) || (fromCookie && !SameOrigin.isSameOrigin(request, proxies))) {
            RequestBodies.discard(request, response);
            Challenge.crossSite(request, response, proxies);
            return;
        }
        if (extraction.outcome() == BearerTokens.Outcome.FOUND) {
            for (String candidate : extraction.tokens()) {
                Verification verification = verifier.verify(candidate);
                Optional<VerifiedToken> token = verification.token();
                token.ifPresent(t -> revocations.revoke(t.jti(), t.acceptedUntil()));
            }
        }
        cookies.clear(request, response);
        JsonReplies.noStore(response);
        if (Challenge.isBrowser(request)) {
            response.setStatus(HttpServletResponse.SC_SEE_OTHER);
            // The login page says "You have signed out" for this marker.
            response.setHeader("Location", request.getContextPath() + loginPage + (loginPage.contains("?") ? "&" : "?") + "logged_out");
        } else {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        }
    }
}
