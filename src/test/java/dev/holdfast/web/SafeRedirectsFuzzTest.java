package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link SafeRedirects}: a {@code next} it accepts never leads off the application's host, read the way
 * a browser reads a Location (tabs and newlines dropped, {@code \} as {@code /}) and after percent-decoding, and
 * resolved by {@link URI} against the login page. Seeds in {@code SafeRedirectsFuzzTestInputs/}: the classic
 * open-redirect payloads and ordinary paths.
 */
class SafeRedirectsFuzzTest {
    private static final URI LOGIN_PAGE = URI.create("https://app.example/ctx/login.jsp");

    @FuzzTest(maxDuration = "10m")
    void anAcceptedNextNeverLeavesTheApp(byte[] input) {
        String next = new String(input, StandardCharsets.UTF_8);
        boolean local = SafeRedirects.isLocalPath(next);
        assertEquals(local ? next : "/", SafeRedirects.localPathOr(next, "/"));
        if (!local) {
            return;
        }
        String current = next;
        for (int round = 0; round < 4; round++) {
            String asBrowsed = current.replaceAll("[\t\n\r]", "").replace('\\', '/');
            assertTrue(asBrowsed.startsWith("/") && !asBrowsed.startsWith("//"), "leaves the app as [" + asBrowsed + "]");
            assertFalse(asBrowsed.chars().anyMatch(c -> c < 0x20 || c == 0x7f), "control character in [" + asBrowsed + "]");
            try {
                URI resolved = LOGIN_PAGE.resolve(new URI(asBrowsed));
                assertEquals("app.example", resolved.getHost(), "resolves to another host: " + resolved);
                assertEquals("https", resolved.getScheme());
            } catch (URISyntaxException notAUriForTheJdk) {
                // the JDK is stricter than browsers (e.g. a raw "|"): the checks above are the browser's reading
            }
            String decoded;
            try {
                decoded = URLDecoder.decode(current.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException brokenEscape) {
                return;
            }
            if (decoded.equals(current)) {
                return;
            }
            current = decoded;
        }
    }
}
