package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathPatternsTest {

    final PathPatterns patterns = new PathPatterns(List.of("/login.jsp", "/public/*", "*.css", " /auth/* "));

    @Test
    void matchesExactPrefixAndExtension() {
        assertTrue(patterns.matches("/login.jsp"));
        assertTrue(patterns.matches("/public"));
        assertTrue(patterns.matches("/public/a/b.png"));
        assertTrue(patterns.matches("/style/site.css"));
        assertTrue(patterns.matches("/auth/login"));
    }

    @Test
    void doesNotMatchLookalikes() {
        assertFalse(patterns.matches("/login.jsp/x"));
        assertFalse(patterns.matches("/login.jspx"));
        assertFalse(patterns.matches("/publicity"));
        assertFalse(patterns.matches("/site.css/secret"));
        assertFalse(patterns.matches("/.css"));
        assertFalse(patterns.matches("/orders"));
    }

    @Test
    void slashStarMatchesEverything() {
        assertTrue(new PathPatterns(List.of("/*")).matches("/anything"));
    }

    @Test
    void refusesPatternsOfNoKnownForm() {
        for (String bad : List.of("public/*", "/a*/b", "*.", "/x/*.css", "**")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PathPatterns(List.of(bad)));
            assertEquals("pattern [" + bad + "] is not /exact, /prefix/* or *.extension", e.getMessage());
        }
    }
}
