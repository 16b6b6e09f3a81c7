package dev.holdfast.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the token of a request: {@code Authorization: Bearer <token>} first (scheme case-insensitive, exactly
 * one token, one header), then the token cookie. An {@code Authorization} header with another scheme is not
 * ours and is ignored; a malformed Bearer header or several {@code Authorization} headers make the request
 * {@link Outcome#MALFORMED}, never a silent fall-back to the cookie.
 */
public final class BearerTokens {

    public static final String AUTH_TYPE_BEARER = "BEARER";
    public static final String AUTH_TYPE_COOKIE = "COOKIE";

    /** RFC 6750 b64token. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

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
        List<String> headers = request.getHeaders("Authorization") == null
                ? List.of() : Collections.list(request.getHeaders("Authorization"));
        if (headers.size() > 1) {
            return new Extraction(Outcome.MALFORMED, List.of(), Transport.HEADER);
        }
        if (headers.size() == 1) {
            String value = headers.get(0);
            int space = value.indexOf(' ');
            String scheme = space < 0 ? value : value.substring(0, space);
            if (scheme.equalsIgnoreCase("Bearer")) {
                String rest = space < 0 ? "" : value.substring(space + 1).trim();
                if (!B64TOKEN.matcher(rest).matches()) {
                    return new Extraction(Outcome.MALFORMED, List.of(), Transport.HEADER);
                }
                return new Extraction(Outcome.FOUND, List.of(rest), Transport.HEADER);
            }
            if (scheme.isBlank()) {
                return new Extraction(Outcome.MALFORMED, List.of(), Transport.HEADER);
            }
        }
        List<String> candidates = cookies.candidates(request);
        return candidates.isEmpty() ? new Extraction(Outcome.NONE, List.of(), null)
                : new Extraction(Outcome.FOUND, candidates, Transport.COOKIE);
    }
}
