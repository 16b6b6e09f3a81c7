package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.Settings.CookieSecure;
import dev.holdfast.testing.MutableClock;
import dev.holdfast.token.Forge;
import dev.holdfast.token.Keys;
import dev.holdfast.token.Rejection;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.TokenVerifier;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Logout revokes the token for as long as the verifier would accept it : a token is accepted until exp plus the clock skew, so it is revoked until then too. */
class LogoutRevocationTest {

    @Test
    void aLoggedOutTokenStaysRefusedThroughTheClockSkewAfterItsExpiry() throws Exception {
        MutableClock clock = new MutableClock(Forge.NOW);
        RevocationList revocations = new RevocationList(clock);
        for (int cacheEntries : new int[] {0, 100}) {
            clock.set(Forge.NOW);
            TokenVerifier verifier = new TokenVerifier(Keys.hmac(Forge.SECRET), "holdfast", Optional.empty(), Duration.ofHours(1),
                    Duration.ofSeconds(30), revocations, clock, false, cacheEntries);
            String token = Forge.hs(Forge.claims().replace("jti-1", "logout-" + cacheEntries)); // exp = NOW + 600
            assertTrue(verifier.verify(token).isValid());
            LogoutEndpoint logout = new LogoutEndpoint(verifier, revocations,
                    new TokenCookies("holdfast_token", Optional.empty(), CookieSecure.AUTO, TrustedProxies.NONE), "/login.jsp",
                    TrustedProxies.NONE);
            ServletMocks.Response response = new ServletMocks.Response();
            logout.handle(new ServletMocks.Request("POST", "/auth/logout").header("Authorization", "Bearer " + token).build(),
                    response.mock);
            assertEquals(204, response.status);
            clock.set(Forge.NOW.plusSeconds(600 + 20)); // past exp, within the 30 s skew the verifier allows
            assertEquals(Optional.of(Rejection.REVOKED), verifier.verify(token).rejection(), "cache " + cacheEntries);
        }
    }
}
