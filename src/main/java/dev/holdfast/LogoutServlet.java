package dev.holdfast;

import dev.holdfast.web.LogoutEndpoint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code POST /auth/logout}: clears the cookie and revokes the token's {@code jti} on this node until it
 * expires. {@code 204} for JSON clients, {@code 303} to the login page for browsers.
 */
public final class LogoutServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient LogoutEndpoint endpoint;

    @Override
    public void init() throws ServletException {
        endpoint = Holdfast.services(getServletConfig()).logout;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        endpoint.handle(request, response);
    }
}
