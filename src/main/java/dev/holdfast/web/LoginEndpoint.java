package dev.holdfast.web;

import dev.holdfast.json.Json;
import dev.holdfast.login.LoginOutcome;
import dev.holdfast.login.LoginService;
import dev.holdfast.login.Tier;
import dev.holdfast.token.IssuedToken;
import dev.holdfast.token.TokenIssuer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code /auth/login} and {@code /auth/emergency-login}: reads the body, asks the
 * {@link LoginService}, issues the token and answers a JSON client or a browser form (docs/http.md).
 */
public final class LoginEndpoint {
    private static final Logger log = LoggerFactory.getLogger(LoginEndpoint.class);

    private final LoginService logins;
    private final TokenIssuer issuer;
    private final Duration ttl;
    private final TokenCookies cookies;
    private final String loginPage;
    private final String landing;
    private final TrustedProxies proxies;

    /**
     * @param ttl       lifetime of the tokens this endpoint issues
     * @param loginPage where browsers go back to after a failure, a path inside the app
     * @param landing   where browsers go after login when no {@code next} is given
     * @param proxies   who may name the client's address, scheme and host
     */
    public LoginEndpoint(LoginService logins, TokenIssuer issuer, Duration ttl, TokenCookies cookies,
                         String loginPage, String landing, TrustedProxies proxies) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.cookies = Objects.requireNonNull(cookies, "cookies");
        this.loginPage = Objects.requireNonNull(loginPage, "loginPage");
        this.landing = Objects.requireNonNull(landing, "landing");
        this.proxies = Objects.requireNonNull(proxies, "proxies");
    }

    /** Answers one request; any method but POST is {@code 405}. */
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            JsonReplies.error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "invalid_request", "use POST");
            return;
        }
        boolean json = LoginForm.isJson(request) || acceptsJson(request);
        if (SameOrigin.isCrossSite(request, proxies)) {
            // Login CSRF: a foreign page must not sign the victim's browser into the attacker's account.
            RequestBodies.discard(request, response);
            Challenge.crossSite(request, response, proxies);
            return;
        }
        LoginForm form;
        try {
            form = LoginForm.read(request);
        } catch (LoginForm.Refused refused) {
            RequestBodies.discard(request, response);
            JsonReplies.error(response, refused.status(), "invalid_request", refused.description());
            return;
        }
        LoginOutcome outcome;
        try {
            outcome = logins.login(form.username(), form.password(), proxies.resolve(request).address());
        } finally {
            form.wipe();
        }
        Optional<String> next = form.next().filter(SafeRedirects::isLocalPath);
        switch (outcome.kind()) {
            case SUCCESS:
                succeed(request, response, outcome, json, next);
                break;
            case INVALID_CREDENTIALS:
                if (json) {
                    JsonReplies.error(response, HttpServletResponse.SC_UNAUTHORIZED, "invalid_credentials",
                            "the username or password is wrong");
                } else {
                    backToLoginPage(request, response, "invalid", next);
                }
                break;
            case THROTTLED:
                retryAfter(response, outcome);
                JsonReplies.error(response, 429, "too_many_attempts", "too many failed logins; try again later");
                break;
            case UNAVAILABLE:
                if (json) {
                    retryAfter(response, outcome);
                    JsonReplies.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "temporarily_unavailable",
                            "logins cannot be checked right now; try again shortly");
                } else {
                    backToLoginPage(request, response, "unavailable", next);
                }
                break;
            case QUERY_FAILED:
                // 503 like an outage, but not "temporarily_unavailable" (no tier can vouch for you): the login
                // page's script then tries the emergency login once, whose own database may still answer.
                if (json) {
                    JsonReplies.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "server_error",
                            "logins cannot be checked right now; an operator has been alerted");
                } else {
                    backToLoginPage(request, response, "unavailable", next);
                }
                break;
            default:
                throw new IllegalStateException("unknown outcome " + outcome.kind());
        }
    }

    private void succeed(HttpServletRequest request, HttpServletResponse response, LoginOutcome outcome, boolean json,
                         Optional<String> next) throws IOException {
        LoginOutcome.User user = outcome.user().orElseThrow();
        Tier tier = outcome.tier().orElseThrow();
        IssuedToken token = issuer.issue(user.username(), user.userId(), user.roles(), tier.wireName(), ttl);
        cookies.set(request, response, token.compact(), ttl);
        log.debug("login succeeded via {}", tier.wireName());
        if (json) {
            JsonReplies.json(response, HttpServletResponse.SC_OK, Json.write(Json.Escaping.HTTP, body -> {
                body.writeStartObject();
                body.writeStringField("access_token", token.compact());
                body.writeStringField("token_type", "Bearer");
                body.writeNumberField("expires_in", ttl.getSeconds());
                body.writeStringField("tier", tier.wireName());
                body.writeEndObject();
            }));
        } else {
            seeOther(response, request.getContextPath() + next.orElse(landing));
        }
    }

    private void backToLoginPage(HttpServletRequest request, HttpServletResponse response, String error,
                                 Optional<String> next) {
        String target = request.getContextPath() + loginPage + (loginPage.contains("?") ? "&" : "?") + "error=" + error
                + next.map(n -> "&next=" + URLEncoder.encode(n, StandardCharsets.UTF_8)).orElse("");
        seeOther(response, target);
    }

    private static void seeOther(HttpServletResponse response, String location) {
        JsonReplies.noStore(response);
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
    }

    private static void retryAfter(HttpServletResponse response, LoginOutcome outcome) {
        Duration wait = outcome.retryAfter().orElse(Duration.ofSeconds(1));
        long seconds = Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
        response.setHeader("Retry-After", Long.toString(seconds));
    }

    private static boolean acceptsJson(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json");
    }
}
