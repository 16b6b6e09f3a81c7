package dev.holdfast.web;

import dev.holdfast.config.Cidr;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Network allow-lists for the break-glass, health and metrics endpoints. Matches the client's address as
 * {@link TrustedProxies} resolves it: the connection's address ({@code getRemoteAddr()}), or, when the
 * connection comes from a proxy named in {@code holdfast.proxy.trusted}, the client that proxy names. Never a
 * header from anyone else.
 */
public final class ClientNetworks {
    private ClientNetworks() {
    }

    /** Whether the client of {@code request}, as {@code proxies} resolve it, is in {@code allowed}. */
    private static boolean admit(List<Cidr> allowed, TrustedProxies proxies, HttpServletRequest request) {
        return contains(allowed, proxies.resolve(request).address());
    }

    public static boolean contains(List<Cidr> allowed, String remoteAddress) {
        for (Cidr network : allowed) {
            if (network.contains(remoteAddress)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The gate of an endpoint hidden from outsiders: unless it is {@code on} and the client is in {@code allowed},
     * answers as {@link #notFound} does, whatever the method, and returns true (the caller then answers nothing).
     */
    public static boolean hidden(boolean on, List<Cidr> allowed, TrustedProxies proxies, HttpServletRequest request,
                                 HttpServletResponse response) throws IOException, ServletException {
        if (on && admit(allowed, proxies, request)) {
            return false;
        }
        notFound(request, response);
        return true;
    }

    /**
     * Answers as if the endpoint did not exist, so an outsider cannot tell it is there: the container's default
     * servlet gets the request, as it gets every path no servlet maps, and answers with whatever the container gives
     * a missing path for that method ({@code 404}, or Jetty's {@code 405} to a {@code POST}), through the
     * application's own error pages. A container without a servlet named {@code default} gets a plain {@code 404}.
     */
    private static void notFound(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        RequestDispatcher missingPath = request.getServletContext().getNamedDispatcher("default");
        if (missingPath == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        missingPath.forward(request, response);
    }
}
