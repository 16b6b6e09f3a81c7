package dev.holdfast;

import dev.holdfast.config.ConfigException;
import dev.holdfast.config.Settings;
import dev.holdfast.config.SettingsReader;
import dev.holdfast.token.Keys;
import dev.holdfast.web.JsonReplies;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /.well-known/jwks.json}: the public keys ({@code kid}, {@code kty}, {@code alg}, {@code use: sig})
 * when tokens are signed with {@code jwt.keys}; {@code 404} for an HMAC secret, which must never be published,
 * and for verify-only nodes. Uses the listener's keys when it is declared.
 */
public final class JwksServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(JwksServlet.class);
    static final String CACHE_CONTROL = "public, max-age=300";

    private transient Optional<byte[]> body = Optional.empty();

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        Optional<Holdfast> shared = Holdfast.find(config.getServletContext());
        Keys keys;
        if (shared.isPresent()) {
            keys = shared.get().tokens.keys;
        } else {
            try {
                Settings settings = SettingsReader.forServlet(config);
                keys = Tokens.keys(settings);
            } catch (ConfigException e) {
                e.problems().forEach(log::error);
                throw new ServletException("holdfast: servlet [" + config.getServletName() + "] cannot start: "
                        + String.join("; ", e.problems()));
            }
        }
        body = keys.publicJwkSetJson().map(json -> json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (body.isEmpty()) {
            JsonReplies.error(response, HttpServletResponse.SC_NOT_FOUND, "not_found",
                    "this server publishes no public keys (it signs with a shared secret or only verifies)");
            return;
        }
        byte[] json = body.get();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader("Cache-Control", CACHE_CONTROL);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(json.length);
        OutputStream out = response.getOutputStream();
        out.write(json);
    }
}
