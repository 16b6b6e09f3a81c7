package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes {@link TokenVerifier#verify}: whatever the input, it returns a {@link Verification} (never throws) and
 * nothing verifies without the key. Seeds (valid tokens signed with a well-known test key, alg none, JWE, nested
 * and oversized JSON, lenient Base64) are in {@code TokenVerifierFuzzTestInputs/}; {@code mvn verify} runs the
 * seeds only, {@code JAZZER_FUZZ=1} fuzzes (docs/security.md).
 */
class TokenVerifierFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Forge.NOW, ZoneOffset.UTC);
    private static final byte[] KEY = new byte[32];
    private static final TokenVerifier VERIFIER;
    private static final String GENUINE;
    private static final String[] GENUINE_PARTS;

    static {
        new SecureRandom().nextBytes(KEY);
        Keys keys = Keys.hmac(KEY);
        VERIFIER = new TokenVerifier(keys, "holdfast", Optional.empty(), Duration.ofHours(1), Duration.ofSeconds(30),
                new RevocationList(CLOCK), CLOCK);
        GENUINE = new TokenIssuer(keys, "holdfast", Optional.empty(), CLOCK)
                .issue("alice", Optional.of("7"), List.of("user"), "database", Duration.ofHours(1)).compact();
        GENUINE_PARTS = GENUINE.split("\\.");
        assertTrue(VERIFIER.verify(GENUINE).isValid(), "the harness's own token verifies");
    }

    /** No input verifies under a key generated here, which no seed and no mutation can know. */
    @FuzzTest(maxDuration = "10m")
    void nothingVerifiesWithoutTheKey(byte[] input) {
        Verification verification = VERIFIER.verify(new String(input, StandardCharsets.UTF_8));
        assertFalse(verification.isValid(), "verified without the key");
        assertTrue(verification.rejection().isPresent());
        assertFalse(VERIFIER.verify(new String(input, StandardCharsets.ISO_8859_1)).isValid(), "verified without the key");
    }

    /**
     * A genuine token edited by the input (each 3 bytes: a position, then a character to replace, insert or delete)
     * verifies only when its header and claims are still exactly the genuine ones: edits may only touch what the
     * signature does not cover.
     */
    @FuzzTest(maxDuration = "10m")
    void anEditedTokenVerifiesOnlyWithItsOwnHeaderAndClaims(byte[] input) {
        StringBuilder token = new StringBuilder(GENUINE);
        for (int i = 0; i + 2 < input.length && i < 3 * 64; i += 3) {
            int position = (((input[i] & 0xff) << 8) | (input[i + 1] & 0xff)) % (token.length() + 1);
            char c = (char) (input[i + 2] & 0x7f);
            switch ((input[i + 2] & 0x80) == 0 ? 0 : position % 2 + 1) {
                case 0:
                    if (position < token.length()) {
                        token.setCharAt(position, c);
                    }
                    break;
                case 1:
                    token.insert(position, c);
                    break;
                default:
                    if (position < token.length()) {
                        token.deleteCharAt(position);
                    }
            }
        }
        Verification verification = VERIFIER.verify(token.toString());
        if (verification.isValid()) {
            String[] parts = token.toString().split("\\.", -1);
            assertEquals(3, parts.length, "a verified token has three parts");
            assertEquals(GENUINE_PARTS[0], parts[0], "header changed and still verified");
            assertEquals(GENUINE_PARTS[1], parts[1], "claims changed and still verified");
            assertEquals("alice", verification.token().orElseThrow().subject());
        }
    }
}
