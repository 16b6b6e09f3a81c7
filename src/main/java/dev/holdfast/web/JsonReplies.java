package dev.holdfast.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** JSON responses: UTF-8 {@code application/json}, never cached. Error bodies are {@code {"error","error_description"}}. */
public final class JsonReplies {

    private JsonReplies() {
    }

    /** Writes {@code {"error": error, "error_description": description}} with {@code status}. */
    public static void error(HttpServletResponse response, int status, String error, String description) throws IOException {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(description, "description");
        json(response, status, "{\"error\":" + quote(error) + ",\"error_description\":" + quote(description) + "}");
    }

    /** Writes {@code json} (already serialised) with {@code status}; resets any buffered body first. */
    public static void json(HttpServletResponse response, int status, String json) throws IOException {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(json, "json");
        if (!response.isCommitted()) {
            response.resetBuffer();
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        noStore(response);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        OutputStream out = response.getOutputStream();
        // No flush: the container commits the response after the request ends, when it can still decide to
        // drain an unread request body or to add "Connection: close" (a refused POST must not leave the
        // client reusing a connection the server is about to close).
        out.write(body);
    }

    /**
     * Marks a response as Holdfast's own answer: never stored by a browser or proxy (it carries or reacts to
     * credentials), never sniffed, framed or referred ({@link ResponseHeaders#answer}).
     */
    public static void noStore(HttpServletResponse response) {
        ResponseHeaders.answer(response);
    }

    /** {@code value} as a JSON string literal, quotes included. */
    public static String quote(String value) {
        Objects.requireNonNull(value, "value");
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    // also escape < > & so a body sniffed as HTML stays inert
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
