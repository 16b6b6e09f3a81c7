package dev.holdfast;

import dev.holdfast.config.Cidr;
import dev.holdfast.config.Settings;
import dev.holdfast.health.HealthReport;
import dev.holdfast.web.ClientNetworks;
import dev.holdfast.web.JsonReplies;
import dev.holdfast.web.TrustedProxies;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /auth/health}, for clients in {@code health.allow} only ({@code 404} for others): {@code 200}
 * {@code UP} when the main database answers, {@code 200 DEGRADED} when logins come from the credential tier,
 * {@code 503 DOWN} when neither can serve. Probes each database with one {@code SELECT 1} through the same
 * guarded path logins use, so a hanging database costs a health check at most its deadline.
 */
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient Services services;
    private transient List<Cidr> allowed;
    private transient TrustedProxies proxies;

    @Override
    public void init() throws ServletException {
        services = Holdfast.services(getServletConfig());
        allowed = services.settings.get(Settings.HEALTH_ALLOW);
        proxies = services.proxies;
    }

    /** Hidden from outsiders whatever the method: a {@code 405} for their {@code POST} would give it away. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (ClientNetworks.hidden(true, allowed, proxies, request, response)) {
            return;
        }
        super.service(request, response);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HealthReport report = services.health();
        JsonReplies.json(response, report.httpStatus(), report.toJson());
    }
}
