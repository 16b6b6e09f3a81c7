package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.holdfast.audit.AuditLog;
import dev.holdfast.config.Settings.CookieSecure;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.credential.SqlCredentialStore;
import dev.holdfast.credential.StoredCredential;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.login.LoginService;
import dev.holdfast.login.Throttle;
import dev.holdfast.login.Tier;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.token.Keys;
import dev.holdfast.token.TokenIssuer;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every log line of a login, at TRACE, is free of the password, the hash, the token and the secret. */
class LoginEndpointLoggingTest {
    private static final String PASSWORD = "correct-horse-battery-staple";

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private Level previous;

    @BeforeEach
    void capture() {
        previous = root.getLevel();
        root.setLevel(Level.TRACE);
        captured.start();
        root.addAppender(captured);
    }

    @AfterEach
    void release() {
        root.detachAppender(captured);
        root.setLevel(previous);
    }

    @Test
    void loginsLogNoSecretsInAnyOutcome() throws Exception {
        Clock clock = Clock.systemUTC();
        PasswordVerifier passwords = new PasswordVerifier();
        String hash = passwords.hash(PASSWORD.toCharArray());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        SqlCredentialStore database = mock(SqlCredentialStore.class);
        when(database.find("alice")).thenReturn(Optional.of(
                new StoredCredential("alice", Optional.empty(), hash, List.of("user"), true, clock.instant())));
        when(database.find("bob")).thenThrow(new DatabaseUnavailableException(DatabaseUnavailableException.Reason.TIMEOUT));
        try (CredentialTier tier = new CredentialTier(Duration.ofHours(1), 10, Optional.empty(), new byte[32], clock)) {
            LoginService service = new LoginService(database, tier, passwords, new Throttle(5, 50, Duration.ofMinutes(5), clock),
                    mock(AuditLog.class), Tier.DATABASE, Tier.CACHE, Duration.ofSeconds(5), clock);
            LoginEndpoint endpoint = new LoginEndpoint(service, new TokenIssuer(Keys.hmac(secret), "holdfast", Optional.empty(), clock),
                    Duration.ofHours(1), new TokenCookies("holdfast_token", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE),
                    "/login.jsp", "/", TrustedProxies.NONE);

            ByteArrayOutputStream body = new ByteArrayOutputStream();
            HttpServletResponse ok = response(body);
            endpoint.handle(request("{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}"), ok);
            String token = body.toString(StandardCharsets.UTF_8).replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
            assertEquals(3, token.split("\\.").length, "a token was issued: " + body.toString(StandardCharsets.UTF_8));

            endpoint.handle(request("{\"username\":\"alice\",\"password\":\"" + PASSWORD + "-wrong\"}"), response(new ByteArrayOutputStream()));
            endpoint.handle(request("{\"username\":\"bob\",\"password\":\"" + PASSWORD + "\"}"), response(new ByteArrayOutputStream()));
            endpoint.handle(request("{\"username\":\"alice\",\"password\":\"" + PASSWORD), response(new ByteArrayOutputStream()));

            assertFalse(captured.list.isEmpty(), "the test must see the login's log lines");
            for (ILoggingEvent event : captured.list) {
                String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
                assertFalse(line.contains(PASSWORD), line);
                assertFalse(line.contains(hash), line);
                assertFalse(line.contains(token), line);
                assertFalse(line.contains(token.substring(0, token.indexOf('.'))) && line.contains(token.substring(token.lastIndexOf('.'))), line);
            }
        }
    }

    private static HttpServletRequest request(String json) throws Exception {
        HttpServletRequest request = mock(HttpServletRequest.class);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        when(request.getMethod()).thenReturn("POST");
        when(request.getContentType()).thenReturn("application/json");
        when(request.getContentLengthLong()).thenReturn((long) bytes.length);
        when(request.getRemoteAddr()).thenReturn("192.0.2.1");
        when(request.getScheme()).thenReturn("http");
        when(request.getContextPath()).thenReturn("");
        when(request.getHeader(anyString())).thenReturn(null);
        when(request.getInputStream()).thenReturn(ServletMocks.body(bytes));
        return request;
    }

    private static HttpServletResponse response(ByteArrayOutputStream body) throws Exception {
        HttpServletResponse response = mock(HttpServletResponse.class);
        when(response.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        });
        return response;
    }
}
