package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.holdfast.token.Forge;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenVerifier;
import dev.holdfast.web.ServletMocks;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JwksServletTest {

    static JwksServlet servlet(Map<String, Object> attributes, Map<String, String> contextParams) throws Exception {
        ServletConfig config = mock(ServletConfig.class);
        ServletContext context = mock(ServletContext.class);
        when(config.getServletName()).thenReturn("jwks");
        when(config.getServletContext()).thenReturn(context);
        when(config.getInitParameterNames()).thenReturn(Collections.emptyEnumeration());
        when(context.getInitParameterNames()).thenAnswer(inv -> Collections.enumeration(contextParams.keySet()));
        when(context.getInitParameter(anyString())).thenAnswer(inv -> contextParams.get((String) inv.getArgument(0)));
        when(context.getAttribute(anyString())).thenAnswer(inv -> attributes.get((String) inv.getArgument(0)));
        JwksServlet servlet = new JwksServlet();
        servlet.init(config);
        return servlet;
    }

    @Test
    void publishesTheListenersPublicKeysCacheableForFiveMinutes() throws Exception {
        Map<String, Object> attributes = new HashMap<>();
        Keys keys = Keys.fromJwkSet(Forge.privateSet(Forge.rsa(), Forge.ec()));
        RevocationList revocations = new RevocationList(Clock.systemUTC());
        attributes.put(Holdfast.ATTRIBUTE, new Holdfast(new Tokens(keys, revocations, new TokenVerifier(keys, "holdfast",
                Optional.empty(), Duration.ofHours(1), Duration.ofSeconds(30), revocations, Clock.systemUTC()))));
        ServletMocks.Response r = new ServletMocks.Response();
        servlet(attributes, Map.of()).doGet(new ServletMocks.Request("GET", "/.well-known/jwks.json").build(), r.mock);
        assertEquals(200, r.status);
        assertEquals("public, max-age=300", r.header("Cache-Control"));
        assertEquals("application/json;charset=UTF-8", r.header("Content-Type"));
        assertTrue(r.body().contains("\"use\":\"sig\""), r.body());
        assertFalse(r.body().contains("\"d\":"), "published a private key: " + r.body());
    }

    @Test
    void hmacSecretIsNeverPublished() throws Exception {
        ServletMocks.Response r = new ServletMocks.Response();
        servlet(new HashMap<>(), Map.of("holdfast.jwt.secret", new String(Forge.SECRET, java.nio.charset.StandardCharsets.US_ASCII)))
                .doGet(new ServletMocks.Request("GET", "/.well-known/jwks.json").build(), r.mock);
        assertEquals(404, r.status);
        assertEquals("{\"error\":\"not_found\",\"error_description\":\"this server publishes no public keys (it signs with a shared secret or only verifies)\"}", r.body());
    }
}
