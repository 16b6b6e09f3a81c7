package dev.holdfast.web;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Servlet-style path patterns, matched against the path inside the application (servlet path plus path info,
 * as the container decoded and normalised it): exact ({@code /login.jsp}), prefix ({@code /public/*}, which
 * also matches {@code /public}) and extension ({@code *.css}).
 */
public final class PathPatterns {

    private final List<String> exact = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    /** Each prefix with its slash ({@code "/public/"}), so matching allocates nothing. */
    private final List<String> prefixesWithSlash = new ArrayList<>();
    private final List<String> extensions = new ArrayList<>();
    private final List<String> patterns;

    /** @throws IllegalArgumentException naming the first pattern that is none of the three forms */
    public PathPatterns(List<String> patterns) {
        Objects.requireNonNull(patterns, "patterns");
        for (String raw : patterns) {
            String p = Objects.requireNonNull(raw, "patterns element").trim();
            if (p.startsWith("*.") && p.length() > 2 && p.indexOf('/') < 0 && p.indexOf('*', 1) < 0) {
                extensions.add(p.substring(1)); // ".css"
            } else if (p.startsWith("/") && p.endsWith("/*") && p.indexOf('*') == p.length() - 1) {
                prefixes.add(p.substring(0, p.length() - 2)); // "/public", or "" for "/*"
                prefixesWithSlash.add(p.substring(0, p.length() - 1));
            } else if (p.startsWith("/") && p.indexOf('*') < 0) {
                exact.add(p);
            } else {
                throw new IllegalArgumentException("pattern [" + p + "] is not /exact, /prefix/* or *.extension");
            }
        }
        this.patterns = Collections.unmodifiableList(new ArrayList<>(patterns));
    }

    public boolean matches(String path) {
        Objects.requireNonNull(path, "path");
        if (exact.contains(path)) {
            return true;
        }
        for (int i = 0; i < prefixes.size(); i++) {
            if (path.equals(prefixes.get(i)) || path.startsWith(prefixesWithSlash.get(i))) {
                return true;
            }
        }
        int lastSegment = path.length() - path.lastIndexOf('/') - 1;
        for (String extension : extensions) {
            // an extension holds no '/', so it ends the last segment exactly when it ends the path
            if (path.endsWith(extension) && lastSegment > extension.length()) {
                return true;
            }
        }
        return false;
    }

    public List<String> patterns() {
        return patterns;
    }

    @Override
    public String toString() {
        return String.join(",", patterns);
    }
}
