package dev.holdfast;

import dev.holdfast.web.LoginEndpoint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code POST /auth/login}: checks the password (database first, the credential tier when it cannot answer)
 * and issues the token as JSON or as a cookie with a redirect for browsers. Needs {@link HoldfastListener}.
 */
public final class LoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient LoginEndpoint endpoint;

    @Override
    public void init() throws ServletException {
        endpoint = Holdfast.services(getServletConfig()).login;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        endpoint.handle(request, response);
    }
}
