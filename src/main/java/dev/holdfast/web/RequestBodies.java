package dev.holdfast.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/** What to do with a request body Holdfast refuses: the filter's, the login's and the logout's refusals alike. */
public final class RequestBodies {
    /**
     * How much of a refused body is read and thrown away before answering. Without it the container closes the
     * connection while the client is still sending, and the client sees a reset instead of the answer.
     */
    static final long MAX_DISCARD_BYTES = 1024 * 1024;

    private RequestBodies() {
    }

    /**
     * Reads and drops what is left of a body that will not be used (up to {@value #MAX_DISCARD_BYTES} bytes), so
     * that a client still sending it gets to read the refusal. Anything longer, or a body that cannot be read, gets
     * {@code Connection: close} on the answer instead: the container must not read the rest as a next request.
     */
    public static void discard(HttpServletRequest request, HttpServletResponse response) {
        if (request.getContentLengthLong() > MAX_DISCARD_BYTES) {
            response.setHeader("Connection", "close");
            return;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[8192];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) != -1) {
                total += read;
                if (total > MAX_DISCARD_BYTES) {
                    response.setHeader("Connection", "close");
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            // The body was read as characters already, or the client went away: nothing more to read.
            response.setHeader("Connection", "close");
        }
    }
}
