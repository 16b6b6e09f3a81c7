package dev.holdfast.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The CSRF check for cookie-authenticated requests that change state: the request must say it comes from this
 * origin, by {@code Origin}, else {@code Referer}, else {@code Sec-Fetch-Site: same-origin}. A request saying
 * nothing is refused.
 *
 * <p>This origin is the scheme and host the browser used. Behind a TLS-terminating proxy that is
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} when present, else the request's scheme and
 * {@code Host} header. Trusting those headers here is safe: a cross-site page cannot make the victim's browser
 * send them, and a client that can send them directly does not carry the victim's cookie.
 */
public final class SameOrigin {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private SameOrigin() {
    }

    /** POST, PUT, PATCH, DELETE (and any method we do not know is safe). */
    public static boolean isUnsafe(String method) {
        Objects.requireNonNull(method, "method");
        return !SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT));
    }

    public static boolean isSameOrigin(HttpServletRequest request) {
        String expected = ownOrigin(request);
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return expected.equals(normalise(origin.trim()));
        }
        String referer = request.getHeader("Referer");
        if (referer != null) {
            return expected.equals(normalise(referer.trim()));
        }
        return "same-origin".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"));
    }

    static String ownOrigin(HttpServletRequest request) {
        String proto = request.getHeader("X-Forwarded-Proto");
        String scheme = proto != null ? TokenCookies.firstValue(proto) : request.getScheme();
        String forwardedHost = request.getHeader("X-Forwarded-Host");
        String host = forwardedHost != null ? TokenCookies.firstValue(forwardedHost) : request.getHeader("Host");
        if (host == null || host.isEmpty()) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return normalise(scheme + "://" + host);
    }

    /** scheme://host[:port] in lower case without a default port; "" for anything unparsable (never equal). */
    static String normalise(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "";
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return "";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if ((port == 443 && scheme.equals("https")) || (port == 80 && scheme.equals("http"))) {
            port = -1;
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port);
    }
}
