package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HtmlTest {

    @Test
    void escapesEveryCharacterThatEndsTextOrAnAttribute() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
                Html.escape("<script>alert(\"x\")</script> & 'y'"));
    }

    @Test
    void escapesNullToEmptyText() {
        assertEquals("", Html.escape(null));
    }

    @Test
    void returnsPlainTextUnchanged() {
        String plain = "alice (admin) \u00e9t\u00e9";
        assertSame(plain, Html.escape(plain));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/app/", "/app/notes.jsp?sort=date&x=%2F", "/admin/index.jsp#top", "/a:b"})
    void acceptsPathsInsideTheApplication(String path) {
        assertTrue(SafeRedirects.isLocalPath(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "app/", "//evil.example", "/\\evil.example", "\\\\evil.example",
        "https://evil.example/", "javascript:alert(1)", "/%2F%2Fevil.example", "/%2fevil.example",
        "/%5Cevil.example", "/%252F%252Fevil.example", "/app/\u0000", "/app\nLocation: x", "/ app",
        "/\tapp", "/a\\b"})
    void refusesPathsThatLeaveTheApplication(String path) {
        assertFalse(SafeRedirects.isLocalPath(path), path);
    }

    @Test
    void refusesNull() {
        assertFalse(SafeRedirects.isLocalPath(null));
    }
}
