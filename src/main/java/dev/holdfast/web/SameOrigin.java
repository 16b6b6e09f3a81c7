package dev.holdfast.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Where a request that changes state comes from, by what the browser says. {@code Sec-Fetch-Site} is asked first:
 * a page cannot set it, and the browser computes it from the URL it sees itself, so it stays right behind a
 * proxy that rewrites the scheme or {@code Host} (browsers send it to HTTPS sites and localhost). Then
 * {@code Origin}, then {@code Referer}, compared with this server's origin. Two rules:
 * <ul>
 *   <li>{@link #isSameOrigin}: for cookie-authenticated requests, which must prove they come from this origin
 *       ({@code Sec-Fetch-Site: same-origin}, else a matching {@code Origin}, else a matching {@code Referer});
 *       a request saying nothing is refused.</li>
 *   <li>{@link #isCrossSite}: for the login, emergency-login and logout endpoints, which a request without
 *       cookies may use too (curl, scripts, other servers). Refused when a browser says it comes from elsewhere:
 *       {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}, else an {@code Origin} that is not
 *       ours (also {@code null}), else a {@code Referer} that is not ours. A request saying none of these is not
 *       a browser's cross-site form (every current browser sends {@code Origin} on a POST) and goes ahead.</li>
 * </ul>
 *
 * <p>This server's origin is the scheme and host the browser used: behind a proxy named in
 * {@code holdfast.proxy.trusted}, as that proxy forwards them ({@link TrustedProxies}); otherwise the request's own
 * scheme and {@code Host}.
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

    /** Whether the request proves it comes from this origin. */
    public static boolean isSameOrigin(HttpServletRequest request, TrustedProxies proxies) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null) {
            return "same-origin".equalsIgnoreCase(fetchSite.trim());
        }
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return ownOrigin(request, proxies).equals(normalise(origin.trim()));
        }
        String referer = request.getHeader("Referer");
        return referer != null && ownOrigin(request, proxies).equals(normalise(referer.trim()));
    }

    /** Whether a browser says this request comes from another site (or an opaque origin). */
    public static boolean isCrossSite(HttpServletRequest request, TrustedProxies proxies) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null) {
            String site = fetchSite.trim().toLowerCase(Locale.ROOT);
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return !ownOrigin(request, proxies).equals(normalise(origin.trim()));
        }
        String referer = request.getHeader("Referer");
        return referer != null && !ownOrigin(request, proxies).equals(normalise(referer.trim()));
    }

    /**
     * For the log: what the browser said and what this server thinks it is, normalised (never raw header text).
     * A mismatch on a site's own login page means a proxy rewrote the scheme or host and is not named in
     * {@code holdfast.proxy.trusted}.
     */
    static String mismatch(HttpServletRequest request, TrustedProxies proxies) {
        String said = request.getHeader("Sec-Fetch-Site") != null ? "Sec-Fetch-Site"
                : request.getHeader("Origin") != null ? "Origin [" + normalise(request.getHeader("Origin").trim()) + "]"
                : request.getHeader("Referer") != null ? "Referer [" + normalise(request.getHeader("Referer").trim()) + "]"
                : "no Origin, Referer or Sec-Fetch-Site";
        return said + ", this server's origin [" + ownOrigin(request, proxies) + "]";
    }

    static String ownOrigin(HttpServletRequest request, TrustedProxies proxies) {
        return normalise(proxies.resolve(request).origin());
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
