package dev.holdfast;

import dev.holdfast.config.Settings;
import dev.holdfast.context.HoldfastContext;
import dev.holdfast.health.HealthReport;
import dev.holdfast.web.ClientNetworks;
import dev.holdfast.web.JsonReplies;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /auth/health}, for clients in {@code health.allow} only ({@code 404} for others): {@code 200}
 * {@code UP} when the main database answers, {@code 200 DEGRADED} when logins come from the credential tier,
 * {@code 503 DOWN} when neither can serve. Reads state only; never calls the database itself.
 */
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient HoldfastContext context;

    @Override
    public void init() throws ServletException {
        context = Components.of(getServletConfig());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!ClientNetworks.contains(context.settings().get(Settings.HEALTH_ALLOW), request.getRemoteAddr())) {
            ClientNetworks.notFound(response);
            return;
        }
        HealthReport report = HealthReport.of(context);
        JsonReplies.json(response, report.httpStatus(), report.toJson());
    }
}
