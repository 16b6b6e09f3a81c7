package dev.holdfast;

import dev.holdfast.config.Cidr;
import dev.holdfast.config.Settings;
import dev.holdfast.web.ClientNetworks;
import dev.holdfast.web.LoginEndpoint;
import dev.holdfast.web.TrustedProxies;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /auth/emergency-login}: break-glass login over its own small pool (a replica if configured),
 * then the credential tier; never the main pool. Answers {@code 404} unless {@code emergency.enabled} and
 * the client is inside {@code emergency.allow}, so it is invisible from elsewhere.
 */
public final class EmergencyLoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient Optional<LoginEndpoint> endpoint;
    private transient List<Cidr> allowed;
    private transient TrustedProxies proxies;

    @Override
    public void init() throws ServletException {
        Services services = Holdfast.services(getServletConfig());
        endpoint = services.emergencyLogin;
        allowed = services.settings.get(Settings.EMERGENCY_ALLOW);
        proxies = services.proxies;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        if (ClientNetworks.hidden(endpoint.isPresent(), allowed, proxies, request, response)) {
            return;
        }
        endpoint.get().handle(request, response);
    }
}
