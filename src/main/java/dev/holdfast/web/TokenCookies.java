package dev.holdfast.web;

import dev.holdfast.config.Settings.CookieSecure;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cookie that carries the token for browsers: {@code HttpOnly}, {@code SameSite=Lax}, {@code Path} (the
 * context path unless configured), {@code Max-Age} = the token's lifetime and {@code Secure} per
 * {@link CookieSecure}. The header is written by hand so every container emits the same attributes.
 *
 * <p>A name starting with {@code __Host-} gets what browsers require for that prefix: always {@code Secure},
 * {@code Path=/}, no {@code Domain}; then no other site on the same domain (a sibling subdomain) can set or
 * shadow it. A name starting with {@code __Secure-} is always {@code Secure}.
 */
public final class TokenCookies {

    /** Browsers send at most this many cookies of our name that we try: a tossed cookie cannot cost more. */
    static final int MAX_CANDIDATES = 4;
    static final String HOST_PREFIX = "__Host-";
    static final String SECURE_PREFIX = "__Secure-";

    private final String name;
    private final Optional<String> path;
    private final CookieSecure secure;
    private final TrustedProxies proxies;

    /**
     * @param name    a cookie name (RFC 6265 token); {@code __Host-} requires an empty path or {@code /} and a
     *                {@code secure} other than {@link CookieSecure#FALSE}, {@code __Secure-} the latter
     * @param path    the cookie path; empty means the request's context path ({@code /} for {@code __Host-})
     * @param proxies who may say the request came over HTTPS ({@link CookieSecure#AUTO})
     */
    public TokenCookies(String name, Optional<String> path, CookieSecure secure, TrustedProxies proxies) {
        this.name = Objects.requireNonNull(name, "name");
        if (name.isEmpty() || !name.chars().allMatch(TokenCookies::isTokenChar)) {
            throw new IllegalArgumentException("name [" + name + "] is not a cookie name");
        }
        this.path = Objects.requireNonNull(path, "path");
        path.ifPresent(p -> {
            if (!p.startsWith("/") || p.chars().anyMatch(c -> c < 0x21 || c == ';' || c == 0x7f)) {
                throw new IllegalArgumentException("path [" + p + "] is not a cookie path");
            }
        });
        this.secure = Objects.requireNonNull(secure, "secure");
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        boolean hostPrefix = name.startsWith(HOST_PREFIX);
        if ((hostPrefix || name.startsWith(SECURE_PREFIX)) && secure == CookieSecure.FALSE) {
            throw new IllegalArgumentException("name [" + name + "] needs the Secure attribute; it cannot be used with"
                    + " secure = false");
        }
        if (hostPrefix && path.isPresent() && !path.get().equals("/")) {
            throw new IllegalArgumentException("name [" + name + "] needs Path=/; it cannot be used with path ["
                    + path.get() + "]");
        }
    }

    public String name() {
        return name;
    }

    /** Adds the cookie holding {@code token} for {@code maxAge}. */
    public void set(HttpServletRequest request, HttpServletResponse response, String token, Duration maxAge) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(maxAge, "maxAge");
        if (!token.chars().allMatch(c -> isTokenChar(c) || c == '.' || c == '=' || c == '/' || c == '+')) {
            throw new IllegalArgumentException("token is not a valid cookie value");
        }
        response.addHeader("Set-Cookie", header(request, token, Math.max(0, maxAge.getSeconds())));
    }

    /** Tells the browser to drop the cookie (same name, path and attributes, {@code Max-Age=0}). */
    public void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader("Set-Cookie", header(request, "", 0));
    }

    /** The first non-empty cookie of this name (browsers send the most specific path first). */
    public Optional<String> read(HttpServletRequest request) {
        List<String> candidates = candidates(request);
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(0));
    }

    /**
     * Every non-empty cookie of this name, in the order the browser sent them, at most {@value #MAX_CANDIDATES}.
     * Several arrive when another site on the domain (or a path below ours) set one too; the caller tries each,
     * so a tossed cookie sent first cannot shadow the real one.
     */
    public List<String> candidates(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return List.of();
        }
        List<String> found = new ArrayList<>(1);
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName()) && cookie.getValue() != null && !cookie.getValue().isEmpty()
                    && !found.contains(cookie.getValue())) {
                found.add(cookie.getValue());
                if (found.size() == MAX_CANDIDATES) {
                    break;
                }
            }
        }
        return found;
    }

    /** Whether the request reached us over HTTPS, directly or through a trusted proxy that says so. */
    public boolean isHttps(HttpServletRequest request) {
        return request.isSecure() || proxies.resolve(request).isHttps();
    }

    private String header(HttpServletRequest request, String value, long maxAgeSeconds) {
        boolean hostPrefix = name.startsWith(HOST_PREFIX);
        String cookiePath = hostPrefix ? "/"
                : path.orElseGet(() -> request.getContextPath().isEmpty() ? "/" : request.getContextPath());
        StringBuilder sb = new StringBuilder(name).append('=').append(value)
                .append("; Max-Age=").append(maxAgeSeconds)
                .append("; Path=").append(cookiePath)
                .append("; HttpOnly; SameSite=Lax");
        boolean secureFlag = secure == CookieSecure.TRUE || hostPrefix || name.startsWith(SECURE_PREFIX)
                || (secure == CookieSecure.AUTO && isHttps(request));
        if (secureFlag) {
            sb.append("; Secure");
        }
        return sb.toString();
    }

    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
}
