package dev.holdfast;

import dev.holdfast.config.ConfigException;
import dev.holdfast.config.Settings;
import dev.holdfast.config.SettingsReader;
import dev.holdfast.token.Rejection;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenVerifier;
import dev.holdfast.token.Verification;
import dev.holdfast.token.VerifiedToken;
import dev.holdfast.web.AuthenticatedRequest;
import dev.holdfast.web.BearerTokens;
import dev.holdfast.web.Challenge;
import dev.holdfast.web.FilterCounts;
import dev.holdfast.web.PathPatterns;
import dev.holdfast.web.RequestBodies;
import dev.holdfast.web.SameOrigin;
import dev.holdfast.web.TrustedProxies;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Lets a request through only with a valid token, as the request of its user. Declare it in {@code web.xml}; it
 * works on its own with {@code holdfast.jwt.secret}, {@code jwt.keys} or {@code jwt.jwksUrl}, and shares the
 * listener's verifier (so logouts on this node are seen) when {@link HoldfastListener} is declared.
 *
 * <p>Init-params, per declaration: {@code exclude} (servlet-path patterns passed through untouched; default
 * the login page, {@code /auth/*} and {@code /.well-known/*}; the login page is always passed through, else
 * browsers would loop), {@code requireRoles} (at least one, else 403) and {@code onFailure}
 * ({@code auto}, {@code redirect}, {@code 401}).
 */
public final class JwtAuthFilter implements Filter {

    private static final Logger log = LoggerFactory.getLogger(JwtAuthFilter.class);
    static final String MDC_REQUEST_ID = "requestId";
    static final String MDC_USER = "user";
    private static final int MAX_REQUEST_ID_CHARS = 64;
    /**
     * Request ids made here: a random prefix drawn once per class loading (so ids of two nodes or two deploys do
     * not collide) and a counter. Unique, cheap, and no SecureRandom per request; they need not be unguessable,
     * they only tie log lines together.
     */
    private static final String REQUEST_ID_PREFIX = randomPrefix();
    private static final AtomicLong REQUEST_COUNTER = new AtomicLong();

    private TokenVerifier verifier;
    private BearerTokens tokens;
    private Challenge challenge;
    private PathPatterns excluded;
    private List<String> requiredRoles;
    private TrustedProxies proxies;
    private boolean noStore;
    private Optional<String> contentSecurityPolicy;
    /** A filter without the listener, with {@code shared.redisUrl}: hears the fleet's revocations itself. */
    private SharedSetup ownShared;
    private RevocationList ownRevocations;
    private FilterCounts counts;

    @Override
    public void init(FilterConfig config) throws ServletException {
        Settings settings;
        try {
            settings = SettingsReader.forFilter(config);
        } catch (ConfigException e) {
            throw new ServletException("holdfast: filter [" + config.getFilterName() + "] cannot start: "
                    + e.problems().size() + " problem(s) in its settings, logged above");
        }
        Optional<Holdfast> shared = Holdfast.find(config.getServletContext());
        if (shared.isPresent()) {
            verifier = shared.get().tokens.verifier;
        } else {
            try {
                Tokens own = Tokens.from(settings, Clock.systemUTC());
                verifier = own.verifier;
                ownRevocations = own.revocations;
            } catch (ConfigException e) {
                e.problems().forEach(log::error);
                throw new ServletException("holdfast: filter [" + config.getFilterName() + "] cannot start: "
                        + String.join("; ", e.problems()));
            }
        }
        // The listener's counts, which /auth/metrics shows; a filter on its own counts into its own, unread.
        counts = shared.flatMap(Holdfast::filterCounts).orElseGet(FilterCounts::new);
        String loginPage = settings.get(Settings.LOGIN_PAGE);
        List<String> patterns = new ArrayList<>(settings.find(Settings.FILTER_EXCLUDE)
                .orElse(List.of("/auth/*", "/.well-known/*")));
        if (!patterns.contains(loginPage)) {
            patterns.add(0, loginPage);
        }
        try {
            excluded = new PathPatterns(patterns);
        } catch (IllegalArgumentException e) {
            String problem = "holdfast: [exclude] of filter [" + config.getFilterName() + "]: " + e.getMessage();
            log.error(problem);
            throw new ServletException(problem);
        }
        requiredRoles = Collections.unmodifiableList(new ArrayList<>(
                settings.find(Settings.FILTER_REQUIRE_ROLES).orElse(List.of())));
        tokens = new BearerTokens(Tokens.cookies(settings));
        proxies = Tokens.proxies(settings);
        noStore = settings.get(Settings.FILTER_NO_STORE);
        // One header line, whatever line breaks web.xml put into the value.
        contentSecurityPolicy = settings.find(Settings.FILTER_CONTENT_SECURITY_POLICY)
                .map(policy -> policy.trim().replaceAll("\\s+", " "));
        challenge = new Challenge(loginPage, settings.get(Settings.FILTER_ON_FAILURE));
        if (ownRevocations != null) {
            // last, so that no failure above leaves its threads running
            ownShared = SharedSetup.open(settings, ownRevocations, Clock.systemUTC());
        }
        log.info("holdfast: filter [{}] protects requests except [{}]{}, onFailure={}, verifier {}", config.getFilterName(),
                excluded, requiredRoles.isEmpty() ? "" : ", requireRoles=" + requiredRoles,
                settings.get(Settings.FILTER_ON_FAILURE), shared.isPresent() ? "shared with the listener" : "of its own");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
            throw new ServletException("holdfast: JwtAuthFilter handles HTTP requests only");
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String previousRequestId = MDC.get(MDC_REQUEST_ID);
        String previousUser = MDC.get(MDC_USER);
        MDC.put(MDC_REQUEST_ID, requestId(request));
        try {
            filter(request, response, chain);
        } finally {
            restore(MDC_REQUEST_ID, previousRequestId);
            restore(MDC_USER, previousUser);
        }
    }

    private void filter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (excluded.matches(pathInApp(request))) {
            chain.doFilter(request, response);
            return;
        }
        // Every refusal below first drains an unread request body (bounded): otherwise the container closes the
        // connection after answering a POST and a client reusing it sees a reset instead of the 401/403.
        BearerTokens.Extraction extraction = tokens.extract(request);
        switch (extraction.outcome()) {
            case NONE:
                log.debug("no token");
                counts.count(FilterCounts.Result.NO_TOKEN);
                RequestBodies.discard(request, response);
                challenge.noToken(request, response);
                return;
            case MALFORMED:
                log.debug("refused: malformed Authorization header");
                counts.count(FilterCounts.Result.MALFORMED_HEADER);
                RequestBodies.discard(request, response);
                challenge.invalidToken(request, response, "the Authorization header is not one Bearer token", true);
                return;
            default:
                break;
        }
        boolean fromCookie = extraction.transport().orElseThrow() == BearerTokens.Transport.COOKIE;
        // Several cookies of our name (one tossed in by a sibling site, or set for a narrower path) are each tried:
        // the first that verifies wins, so a bad one sent first cannot shadow the real one.
        Verification verification = null;
        for (String candidate : extraction.tokens()) {
            Verification tried = verifier.verify(candidate);
            if (verification == null || tried.token().isPresent()) {
                verification = tried;
            }
            if (tried.token().isPresent()) {
                break;
            }
        }
        Optional<Rejection> rejection = verification.rejection();
        if (rejection.isPresent()) {
            log.debug("refused: token {} ({})", rejection.get(), extraction.transport().orElseThrow());
            counts.count(rejection.get());
            RequestBodies.discard(request, response);
            challenge.invalidToken(request, response, rejection.get().description(), !fromCookie);
            return;
        }
        VerifiedToken token = verification.token().orElseThrow();
        MDC.put(MDC_USER, token.subject());
        if (fromCookie && SameOrigin.isUnsafe(request.getMethod()) && !SameOrigin.isSameOrigin(request, proxies)) {
            log.debug("refused: cross-site {} with the login cookie", request.getMethod());
            counts.count(FilterCounts.Result.CROSS_SITE);
            RequestBodies.discard(request, response);
            Challenge.crossOrigin(response);
            return;
        }
        if (!requiredRoles.isEmpty() && requiredRoles.stream().noneMatch(token.roles()::contains)) {
            log.debug("refused: none of the required roles {}", requiredRoles);
            counts.count(FilterCounts.Result.ROLE_MISSING);
            RequestBodies.discard(request, response);
            challenge.insufficientRole(request, response);
            return;
        }
        counts.count(FilterCounts.Result.ACCEPTED);
        // Set before the application writes, so a page that sets its own value keeps it.
        if (noStore) {
            response.setHeader("Cache-Control", "no-store");
        }
        contentSecurityPolicy.ifPresent(policy -> response.setHeader("Content-Security-Policy", policy));
        chain.doFilter(new AuthenticatedRequest(request, token.subject(), token.roles(),
                extraction.transport().orElseThrow().authType(), token.claims()), response);
    }

    @Override
    public void destroy() {
        // a verifier shared with the listener is the listener's to close; our own holds only shared state
        if (ownShared != null) {
            ownShared.close();
        }
    }

    /** The caller's {@code X-Request-Id} when it is safe to log (1 to 64 of {@code [A-Za-z0-9-]}), else a new one. */
    static String requestId(HttpServletRequest request) {
        String given = request.getHeader("X-Request-Id");
        return given != null && isSafeRequestId(given)
                ? given : REQUEST_ID_PREFIX + Long.toHexString(REQUEST_COUNTER.incrementAndGet());
    }

    private static boolean isSafeRequestId(String id) {
        int length = id.length();
        if (length == 0 || length > MAX_REQUEST_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String randomPrefix() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        StringBuilder prefix = new StringBuilder(14);
        for (byte b : bytes) {
            prefix.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return prefix.append('-').toString();
    }

    /** Servlet path plus path info: the container's decoded, normalised path inside the application. */
    static String pathInApp(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = pathInfo == null ? servletPath : servletPath + pathInfo;
        return path.isEmpty() ? "/" : path;
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
