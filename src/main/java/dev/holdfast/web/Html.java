package dev.holdfast.web;

/**
 * Escaping for the WAR's own JSP pages, which have no JSTL. (Whether a {@code next} value is a path
 * inside the application is {@link SafeRedirects#isLocalPath(String)}'s question, for pages and servlets alike.)
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
}
