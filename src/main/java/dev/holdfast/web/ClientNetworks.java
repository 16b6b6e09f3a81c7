package dev.holdfast.web;

import dev.holdfast.config.Cidr;
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
    public static boolean admit(List<Cidr> allowed, TrustedProxies proxies, HttpServletRequest request) {
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

    /** The same {@code 404} as a path that does not exist, so an outsider cannot tell the endpoint is there. */
    public static void notFound(HttpServletResponse response) throws IOException {
        JsonReplies.error(response, HttpServletResponse.SC_NOT_FOUND, "not_found", "no such resource");
    }
}
