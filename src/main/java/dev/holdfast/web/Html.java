package dev.holdfast.web;

/**
 * Text for the WAR's own JSP pages, which have no JSTL: escaping for HTML, and the check that a
 * {@code next} value is a path inside this application before a page puts it back into a form.
 * The login servlet checks {@code next} again on its own; this only keeps the page from carrying a
 * hostile value around.
 */
public final class Html {

    private Html() {
    }

    /** The text, safe inside an HTML element or a quoted attribute; {@code null} is the empty string. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement;
            switch (c) {
                case '&': replacement = "&amp;"; break;
                case '<': replacement = "&lt;"; break;
                case '>': replacement = "&gt;"; break;
                case '"': replacement = "&quot;"; break;
                case '\'': replacement = "&#39;"; break;
                default: replacement = null;
            }
            if (replacement == null) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            out.append(replacement);
        }
        return out == null ? text : out.toString();
    }

    /**
     * True when {@code path} is a path inside this application ({@code /app/notes.jsp?x=1}): it starts
     * with one slash, and neither it nor its percent-decoded forms start with {@code //} or {@code /\}
     * (which browsers treat as another host), and it holds no backslash, whitespace or control character.
     */
    public static boolean isLocalPath(String path) {
        if (path == null || path.isEmpty() || path.length() > 2048) {
            return false;
        }
        String current = path;
        // Decode a few rounds: a value may be decoded once by us and once more by a proxy or browser.
        for (int round = 0; round < 3; round++) {
            if (!hasLocalShape(current)) {
                return false;
            }
            String decoded = percentDecode(current);
            if (decoded.equals(current)) {
                return true;
            }
            current = decoded;
        }
        return hasLocalShape(current);
    }

    private static boolean hasLocalShape(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        if (path.length() > 1 && (path.charAt(1) == '/' || path.charAt(1) == '\\')) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c <= 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    /** Decodes %XX escapes byte by byte into ISO-8859-1 chars: enough to see slashes and controls. */
    private static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high >= 0 && low >= 0) {
                    out.append((char) (high * 16 + low));
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
