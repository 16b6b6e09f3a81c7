package dev.holdfast.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the token of a request: {@code Authorization: Bearer <token>} first (scheme case-insensitive, exactly
 * one token, one header), then the token cookie. An {@code Authorization} header with another scheme is not
 * ours and is ignored; a malformed Bearer header or several {@code Authorization} headers make the request
 * {@link Outcome#MALFORMED}, never a silent fall-back to the cookie.
 */
public final class BearerTokens {

    public static final String AUTH_TYPE_BEARER = "BEARER";
    public static final String AUTH_TYPE_COOKIE = "COOKIE";


    public enum Outcome { NONE, MALFORMED, FOUND }

    /** How the token travelled; {@link #authType()} is what {@code getAuthType()} reports. */
    public enum Transport {
        HEADER(AUTH_TYPE_BEARER), COOKIE(AUTH_TYPE_COOKIE);

        private final String authType;

        Transport(String authType) {
            this.authType = authType;
        }

        public String authType() {
            return authType;
        }
    }

    /** What was found. {@link #toString()} never shows the token. */
    public static final class Extraction {
        private final Outcome outcome;
        private final List<String> tokens;
        private final Transport transport;

        private Extraction(Outcome outcome, List<String> tokens, Transport transport) {
            this.outcome = outcome;
            this.tokens = tokens;
            this.transport = transport;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** The token; only for {@link Outcome#FOUND}. */
        public String token() {
            return tokens().get(0);
        }

        /**
         * Every candidate, in the order sent: one from the header; from cookies, each cookie of our name (a
         * cookie tossed in by another site must not shadow the real one). Only for {@link Outcome#FOUND}.
         */
        public List<String> tokens() {
            if (outcome != Outcome.FOUND) {
                throw new IllegalStateException("no token: " + outcome);
            }
            return tokens;
        }

        /** Where the token came from; for {@link Outcome#MALFORMED} the header, which was malformed. */
        public Optional<Transport> transport() {
            return Optional.ofNullable(transport);
        }

        @Override
        public String toString() {
            return "Extraction[" + outcome + (transport == null ? "" : ", " + transport) + "]";
        }
    }

    private final TokenCookies cookies;

    public BearerTokens(TokenCookies cookies) {
        this.cookies = Objects.requireNonNull(cookies, "cookies");
    }

    public Extraction extract(HttpServletRequest request) {
        Objects.requireNonNull(request, "request");
        Enumeration<String> headers = request.getHeaders("Authorization");
        String value = headers != null && headers.hasMoreElements() ? headers.nextElement() : null;
        if (value != null && headers.hasMoreElements()) {
            return new Extraction(Outcome.MALFORMED, List.of(), Transport.HEADER);
        }
        if (value != null) {
            int space = value.indexOf(' ');
            int schemeEnd = space < 0 ? value.length() : space;
            if (schemeEnd == 6 && value.regionMatches(true, 0, "Bearer", 0, 6)) {
                String rest = space < 0 ? "" : value.substring(space + 1).trim();
                if (!isB64token(rest)) {
                    return new Extraction(Outcome.MALFORMED, List.of(), Transport.HEADER);
                }
                return new Extraction(Outcome.FOUND, List.of(rest), Transport.HEADER);
            }
            if (value.substring(0, schemeEnd).isBlank()) {
                return new Extraction(Outcome.MALFORMED, List.of(), Transport.HEADER);
            }
        }
        List<String> candidates = cookies.candidates(request);
        return candidates.isEmpty() ? new Extraction(Outcome.NONE, List.of(), null)
                : new Extraction(Outcome.FOUND, candidates, Transport.COOKIE);
    }

    /** RFC 6750 b64token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isB64token(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        // One table look-up per character: this runs on every request the filter sees, over a few hundred chars.
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c >= B64TOKEN.length || !B64TOKEN[c]) {
                return false;
            }
        }
        return true;
    }

    /** The characters of a b64token before its padding, by code point. */
    private static final boolean[] B64TOKEN = b64tokenCharacters();

    private static boolean[] b64tokenCharacters() {
        boolean[] allowed = new boolean[128];
        for (char c = 'A'; c <= 'Z'; c++) {
            allowed[c] = true;
            allowed[Character.toLowerCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            allowed[c] = true;
        }
        for (char c : "-._~+/".toCharArray()) {
            allowed[c] = true;
        }
        return allowed;
    }
}
