package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SafeRedirectsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/orders", "/orders?id=7&x=%20y", "/a/b.jsp#top", "/caf%C3%A9", "/a%2Fb", "/@user"})
    void acceptsPathsInsideTheApplication(String next) {
        assertTrue(SafeRedirects.isLocalPath(next), next);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/x y", "//evil.example", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "https://evil.example",
        "javascript:alert(1)", "evil.example", "", " /x", "/%2F%2Fevil.example", "/%2f/evil.example",
        "%2F%2Fevil.example", "/%5Cevil.example", "/%5cevil.example", "/x\\y", "/%252F%252Fevil.example",
        "/%25252F%25252Fevil.example", "/\t/evil.example", "/%09/evil.example", "/x\ny", "/%0d%0aSet-Cookie:x",
        "/../evil", "/a/../../b", "/%2e%2e/evil", "/.", "/%", "/%zz", "/%C3", "/\u0000", "/\u2028"
    })
    void refusesEverythingThatCouldLeaveTheHost(String next) {
        assertFalse(SafeRedirects.isLocalPath(next), next);
    }

    @Test
    void refusesNullAndOverlongValues() {
        assertFalse(SafeRedirects.isLocalPath(null));
        assertFalse(SafeRedirects.isLocalPath("/" + "a".repeat(SafeRedirects.MAX_LENGTH)));
    }

    @Test
    void localPathOrFallsBack() {
        assertEquals("/home", SafeRedirects.localPathOr("//evil", "/home"));
        assertEquals("/x", SafeRedirects.localPathOr("/x", "/home"));
    }
}
