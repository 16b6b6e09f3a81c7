package dev.holdfast.bench;

import dev.holdfast.JwtAuthFilter;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenIssuer;
import dev.holdfast.token.TokenVerifier;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code JwtAuthFilter.doFilter} with a valid bearer token, against calling the filter chain directly (what a
 * request costs without the filter) and against {@code TokenVerifier.verify} alone (so the rest of the filter:
 * header parsing, MDC, the request wrapper, shows as the difference).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class FilterBenchmark {

    private static final String SECRET = new String(SigningSetups.HMAC_SECRET, StandardCharsets.US_ASCII);

    private JwtAuthFilter filter;
    private TokenVerifier verifier;
    private String token;
    private HttpServletRequest request;
    private HttpServletResponse response;
    private ReachedChain chain;

    /** The protected application: keeps the request it was given (so nothing is optimised away) and its user. */
    static final class ReachedChain implements FilterChain {
        ServletRequest lastRequest;
        String lastUser;

        @Override
        public void doFilter(ServletRequest request, jakarta.servlet.ServletResponse response) {
            lastRequest = request;
            lastUser = ((HttpServletRequest) request).getRemoteUser();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws ServletException, IOException {
        filter = new JwtAuthFilter();
        filter.init(ServletFakes.filterConfig("bench", ServletFakes.context(Map.of("holdfast.jwt.secret", SECRET))));
        Keys keys = Keys.hmac(SigningSetups.HMAC_SECRET);
        Clock clock = Clock.systemUTC();
        token = new TokenIssuer(keys, SigningSetups.ISSUER, Optional.empty(), clock)
                .issue("alice", Optional.of("42"), List.of("user"), "database", SigningSetups.TTL).compact();
        verifier = new TokenVerifier(keys, SigningSetups.ISSUER, Optional.empty(), SigningSetups.TTL, SigningSetups.SKEW,
                new RevocationList(clock), clock);
        request = ServletFakes.get("/app/index.jsp", Map.of("Authorization", "Bearer " + token));
        response = ServletFakes.untouchedResponse();
        chain = new ReachedChain();
        filter.doFilter(request, response, chain);
        if (!"alice".equals(chain.lastUser)) {
            throw new IllegalStateException("setup: the filter did not pass the valid token through");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        filter.destroy();
    }

    @Benchmark
    public Object baselineChainOnly() throws IOException, ServletException {
        chain.doFilter(request, response);
        return chain.lastRequest;
    }

    @Benchmark
    public Object verifyOnly() {
        return verifier.verify(token);
    }

    @Benchmark
    public Object filterValidBearer() throws IOException, ServletException {
        filter.doFilter(request, response, chain);
        return chain.lastRequest;
    }
}
