package dev.holdfast.web;

import dev.holdfast.config.Settings.OnFailure;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the filter answers a request it does not let through: {@code 401} with an RFC 6750
 * {@code WWW-Authenticate} for API clients, a {@code 302} to the login page with {@code next} for browsers,
 * {@code 403} for a missing role or a cross-site request. Bodies are JSON and never echo the token.
 */
public final class Challenge {
    private static final Logger log = LoggerFactory.getLogger(Challenge.class);
    private static final AtomicBoolean CROSS_SITE_WARNED = new AtomicBoolean();

    private final String loginPage;
    private final OnFailure mode;

    /** @param loginPage a path inside the application, such as {@code /login.jsp} */
    public Challenge(String loginPage, OnFailure mode) {
        Objects.requireNonNull(loginPage, "loginPage");
        if (!SafeRedirects.isLocalPath(loginPage)) {
            throw new IllegalArgumentException("loginPage [" + loginPage + "] is not a path inside the application");
        }
        this.loginPage = loginPage;
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** No token at all: {@code WWW-Authenticate: Bearer} without an error (RFC 6750 §3.1), or the login page. */
    public void noToken(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (redirects(request, false)) {
            redirectToLogin(request, response);
            return;
        }
        response.setHeader("WWW-Authenticate", "Bearer");
        JsonReplies.error(response, HttpServletResponse.SC_UNAUTHORIZED, "invalid_token", "a bearer token is required");
    }

    /**
     * A token that was refused. {@code description} must be a fixed text (never anything from the token).
     *
     * @param fromHeader whether it came in an {@code Authorization} header (then the client is not a browser form)
     */
    public void invalidToken(HttpServletRequest request, HttpServletResponse response, String description,
                             boolean fromHeader) throws IOException {
        Objects.requireNonNull(description, "description");
        if (redirects(request, fromHeader)) {
            redirectToLogin(request, response);
            return;
        }
        response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\""
                + description.replace("\"", "'").replace("\\", "/") + "\"");
        JsonReplies.error(response, HttpServletResponse.SC_UNAUTHORIZED, "invalid_token", description);
    }

    /** A valid token without any of the required roles: 403 {@code insufficient_scope}. */
    public void insufficientRole(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
        if (isBrowser(request)) {
            // A person gets the application's own 403 page (an <error-page> for 403), never a JSON body.
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        JsonReplies.error(response, HttpServletResponse.SC_FORBIDDEN, "insufficient_scope",
                "the token does not carry a role this resource requires");
    }

    /** A cookie-authenticated state-changing request that does not come from this site: 403. */
    public static void crossOrigin(HttpServletResponse response) throws IOException {
        JsonReplies.error(response, HttpServletResponse.SC_FORBIDDEN, "access_denied",
                "a request that changes state with the login cookie must come from this site");
    }

    /**
     * A browser says this login or logout comes from another site: 403, as JSON, or for a person as a short HTML
     * page of Holdfast's own (a link back to the login page; never the container's error page).
     */
    public static void crossSite(HttpServletRequest request, HttpServletResponse response, TrustedProxies proxies)
            throws IOException {
        if (CROSS_SITE_WARNED.compareAndSet(false, true)) {
            // Once: an attack looks like this, and so does the site's own login page behind an unnamed proxy.
            log.warn("holdfast: refused a cross-site {} to {} ({}); if that was this site's own page behind a reverse"
                    + " proxy, name the proxy in holdfast.proxy.trusted or use the container's RemoteIpValve",
                    request.getMethod(), request.getServletPath(), SameOrigin.mismatch(request, proxies));
        } else {
            log.debug("refused a cross-site {} ({})", request.getMethod(), SameOrigin.mismatch(request, proxies));
        }
        if (!isBrowser(request)) {
            JsonReplies.error(response, HttpServletResponse.SC_FORBIDDEN, "access_denied",
                    "a login or logout from a browser must come from this site");
            return;
        }
        if (!response.isCommitted()) {
            response.resetBuffer();
        }
        byte[] body = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not allowed</title></head>"
                + "<body><h1>Not allowed</h1><p>This sign-in or sign-out request came from another site, so it was"
                + " not carried out. To sign in, open <a href=\"" + Html.escape(request.getContextPath()) + "/\">this"
                + " site</a> directly.</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        ResponseHeaders.answer(response);
        response.setContentType("text/html;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Accepts HTML and is not a script (XHR) or a JSON client. */
    public static boolean isBrowser(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/html")) {
            return false;
        }
        String requestedWith = request.getHeader("X-Requested-With");
        return requestedWith == null || requestedWith.isEmpty();
    }

    private boolean redirects(HttpServletRequest request, boolean fromHeader) {
        switch (mode) {
            case REDIRECT:
                return true;
            case UNAUTHORIZED:
                return false;
            default:
                return !fromHeader && isBrowser(request);
        }
    }

    private void redirectToLogin(HttpServletRequest request, HttpServletResponse response) {
        String contextPath = request.getContextPath();
        String uri = request.getRequestURI();
        String inApp = uri != null && uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : "/";
        String query = request.getQueryString();
        String next = query == null ? inApp : inApp + "?" + query;
        StringBuilder location = new StringBuilder(contextPath).append(loginPage);
        if (SafeRedirects.isLocalPath(next)) {
            location.append(loginPage.indexOf('?') < 0 ? '?' : '&')
                    .append("next=").append(URLEncoder.encode(next, StandardCharsets.UTF_8));
        }
        if (!response.isCommitted()) {
            response.resetBuffer();
        }
        JsonReplies.noStore(response);
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", location.toString());
        response.setContentLength(0);
    }
}
