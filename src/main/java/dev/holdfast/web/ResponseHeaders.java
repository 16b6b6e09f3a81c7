package dev.holdfast.web;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;

/**
 * The protective headers on what Holdfast itself answers. Its JSON, redirects and refusals are never stored,
 * sniffed, framed or sent on as a referrer; its HTML pages (the login page and the WAR's own pages) also get a
 * Content-Security-Policy that allows only the page's own scripts, styles and form targets. The protected
 * application's pages get only what the filter is configured to add ({@code noStore},
 * {@code contentSecurityPolicy}).
 */
public final class ResponseHeaders {
    /** For a JSON body or a redirect: nothing to load, nothing to frame. */
    static final String ANSWER_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    /** For Holdfast's pages: own scripts and styles only, no inline script, forms post to this origin, never framed. */
    public static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private ResponseHeaders() {
    }

    /** Holdfast's own answer (JSON, a redirect, a refusal): also {@code Cache-Control: no-store}. */
    public static void answer(HttpServletResponse response) {
        Objects.requireNonNull(response, "response");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Content-Security-Policy", ANSWER_POLICY);
    }

    /**
     * One of Holdfast's HTML pages (the login page, the WAR's own pages): {@link #PAGE_POLICY}, {@code nosniff},
     * {@code Referrer-Policy: same-origin}, {@code X-Frame-Options: DENY} for browsers without
     * {@code frame-ancestors}, and {@code Cache-Control: no-store} (a page may show who is signed in).
     */
    public static void page(HttpServletResponse response) {
        Objects.requireNonNull(response, "response");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", PAGE_POLICY);
    }
}
