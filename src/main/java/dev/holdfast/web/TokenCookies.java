package dev.holdfast.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The cookie that carries the token for browsers: {@code HttpOnly}, {@code SameSite=Lax}, {@code Path} (the
 * context path unless configured), {@code Max-Age} = the token's lifetime and {@code Secure} per
 * {@link Secure}. The header is written by hand so every container emits the same attributes.
 */
public final class TokenCookies {

    /** When the cookie is marked {@code Secure}. */
    public enum Secure {
        /** when the request is HTTPS, or a proxy says so with {@code X-Forwarded-Proto: https} */
        AUTO,
        ALWAYS,
        NEVER
    }

    private final String name;
    private final Optional<String> path;
    private final Secure secure;

    /**
     * @param name   a cookie name (RFC 6265 token)
     * @param path   the cookie path; empty means the request's context path
     */
    public TokenCookies(String name, Optional<String> path, Secure secure) {
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
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName()) && cookie.getValue() != null && !cookie.getValue().isEmpty()) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    /** Whether the request reached us over HTTPS, directly or through a proxy that says so. */
    public static boolean isHttps(HttpServletRequest request) {
        if (request.isSecure()) {
            return true;
        }
        String forwarded = request.getHeader("X-Forwarded-Proto");
        return forwarded != null && "https".equals(firstValue(forwarded).toLowerCase(Locale.ROOT));
    }

    private String header(HttpServletRequest request, String value, long maxAgeSeconds) {
        String cookiePath = path.orElseGet(() -> request.getContextPath().isEmpty() ? "/" : request.getContextPath());
        StringBuilder sb = new StringBuilder(name).append('=').append(value)
                .append("; Max-Age=").append(maxAgeSeconds)
                .append("; Path=").append(cookiePath)
                .append("; HttpOnly; SameSite=Lax");
        boolean secureFlag = secure == Secure.ALWAYS || (secure == Secure.AUTO && isHttps(request));
        if (secureFlag) {
            sb.append("; Secure");
        }
        return sb.toString();
    }

    static String firstValue(String header) {
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).trim();
    }

    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
}
