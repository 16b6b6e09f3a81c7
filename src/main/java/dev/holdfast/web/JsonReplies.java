package dev.holdfast.web;

import dev.holdfast.json.Json;
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
        json(response, status, Json.write(Json.Escaping.HTTP, json -> {
            json.writeStartObject();
            json.writeStringField("error", error);
            json.writeStringField("error_description", description);
            json.writeEndObject();
        }));
    }

    /** Writes {@code json} (already serialised, {@link Json.Escaping#HTTP} for anything holding client text) with {@code status}; resets any buffered body first. */
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
}
