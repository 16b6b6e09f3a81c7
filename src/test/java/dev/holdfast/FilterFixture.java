package dev.holdfast;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.holdfast.token.Forge;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenVerifier;
import dev.holdfast.web.ServletMocks;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A JwtAuthFilter initialised from mocked web.xml parameters, run against mocked requests. */
final class FilterFixture {

    static final Clock CLOCK = Clock.fixed(Forge.NOW, ZoneOffset.UTC);

    final Map<String, String> contextParams = new LinkedHashMap<>();
    final Map<String, String> initParams = new LinkedHashMap<>();
    final Map<String, Object> attributes = new HashMap<>();
    final AtomicReference<ServletRequest> passed = new AtomicReference<>();
    JwtAuthFilter filter;

    FilterFixture() {
        contextParams.put("holdfast.jwt.secret", new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Shares a verifier on our fixed clock, as the listener would. */
    FilterFixture sharedVerifier(Keys keys, Optional<String> audience, RevocationList revocations) {
        attributes.put(Holdfast.ATTRIBUTE, new Holdfast(new Tokens(keys, revocations, new TokenVerifier(keys, "holdfast",
                audience, Duration.ofHours(1), Duration.ofSeconds(30), revocations, CLOCK))));
        return this;
    }

    FilterFixture sharedHmacVerifier() {
        return sharedVerifier(Keys.hmac(Forge.SECRET), Optional.empty(), new RevocationList(CLOCK));
    }

    FilterFixture init() throws Exception {
        FilterConfig config = mock(FilterConfig.class);
        ServletContext context = mock(ServletContext.class);
        when(config.getFilterName()).thenReturn("holdfast");
        when(config.getServletContext()).thenReturn(context);
        when(config.getInitParameterNames()).thenAnswer(inv -> Collections.enumeration(initParams.keySet()));
        when(config.getInitParameter(org.mockito.ArgumentMatchers.anyString()))
                .thenAnswer(inv -> initParams.get((String) inv.getArgument(0)));
        when(context.getInitParameterNames()).thenAnswer(inv -> Collections.enumeration(contextParams.keySet()));
        when(context.getInitParameter(org.mockito.ArgumentMatchers.anyString()))
                .thenAnswer(inv -> contextParams.get((String) inv.getArgument(0)));
        when(context.getAttribute(org.mockito.ArgumentMatchers.anyString()))
                .thenAnswer(inv -> attributes.get((String) inv.getArgument(0)));
        filter = new JwtAuthFilter();
        filter.init(config);
        return this;
    }

    ServletMocks.Response run(ServletMocks.Request request) throws Exception {
        ServletMocks.Response response = new ServletMocks.Response();
        passed.set(null);
        FilterChain chain = (req, res) -> passed.set(req);
        filter.doFilter(request.build(), response.mock, chain);
        return response;
    }
}
