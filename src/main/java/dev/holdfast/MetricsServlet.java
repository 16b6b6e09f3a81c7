package dev.holdfast;

import dev.holdfast.config.Cidr;
import dev.holdfast.config.Settings;
import dev.holdfast.metrics.HoldfastMetrics;
import dev.holdfast.web.ClientNetworks;
import dev.holdfast.web.TrustedProxies;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /auth/metrics}: every Holdfast meter in the Prometheus text format, or OpenMetrics when the
 * {@code Accept} header asks for it (docs/metrics.md). Same access rule as {@code /auth/health}: clients in
 * {@code health.allow} only, {@code 404} for others and for everyone when {@code metrics.enabled} is false.
 * Reads counters and snapshots only: a scrape never waits on the database.
 */
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient Optional<HoldfastMetrics> metrics;
    private transient List<Cidr> allowed;
    private transient TrustedProxies proxies;

    @Override
    public void init() throws ServletException {
        Services services = Holdfast.services(getServletConfig());
        metrics = services.metrics;
        allowed = services.settings.get(Settings.HEALTH_ALLOW);
        proxies = services.proxies;
    }

    /** Hidden from outsiders, and while metrics are off, whatever the method (as health). */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (ClientNetworks.hidden(metrics.isPresent(), allowed, proxies, request, response)) {
            return;
        }
        super.service(request, response);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String accept = request.getHeader("Accept");
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(metrics.get().contentType(accept));
        response.setHeader("Cache-Control", "no-store");
        metrics.get().scrape(response.getOutputStream(), accept);
    }
}
