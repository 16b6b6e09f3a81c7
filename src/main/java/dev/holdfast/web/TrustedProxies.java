package dev.holdfast.web;

import dev.holdfast.config.Cidr;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who the client is when reverse proxies stand in between ({@code holdfast.proxy.trusted}, like Tomcat's
 * {@code RemoteIpValve internalProxies}). Forwarding headers count only when the connection comes from a trusted
 * proxy; otherwise the connection itself is the client, whatever the headers say.
 *
 * <p>From a trusted proxy, RFC 7239 {@code Forwarded} is read when present, else {@code X-Forwarded-For},
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}. The hops are walked from the nearest backwards,
 * skipping trusted proxies: the first hop that is not one is the client (all trusted: the farthest). The
 * scheme and host are those the proxy that received the client's connection wrote for that hop: in
 * {@code Forwarded} the same element, in {@code X-Forwarded-Proto}/{@code -Host} the value at the same position
 * from the right (or the first value, when a proxy wrote one for the whole chain).
 */
public final class TrustedProxies {
    /** No proxy is trusted: the connection is the client. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Cidr> networks;

    public TrustedProxies(List<Cidr> networks) {
        this.networks = List.copyOf(Objects.requireNonNull(networks, "networks"));
    }

    /** The client of this request: its address, and the scheme and host it used. */
    public Client resolve(HttpServletRequest request) {
        Objects.requireNonNull(request, "request");
        String peer = request.getRemoteAddr();
        if (networks.isEmpty() || !isTrusted(peer)) {
            return direct(request);
        }
        List<String> forwarded = values(request, "Forwarded");
        if (!forwarded.isEmpty()) {
            Optional<List<Map<String, String>>> elements = parseForwarded(String.join(",", forwarded));
            return elements.map(hops -> fromForwarded(request, hops)).orElseGet(() -> direct(request));
        }
        return fromXForwarded(request);
    }

    /** Whether {@code address} is inside one of the trusted networks. */
    boolean isTrusted(String address) {
        return ClientNetworks.contains(networks, address);
    }

    private static Client direct(HttpServletRequest request) {
        return new Client(request.getRemoteAddr(), request.getScheme(), hostOf(request));
    }

    private Client fromForwarded(HttpServletRequest request, List<Map<String, String>> hops) {
        String address = request.getRemoteAddr();
        Map<String, String> hop = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String node = hops.get(i).get("for");
            hop = hops.get(i);
            address = node == null ? "unknown" : nodeAddress(node);
            if (!isTrusted(address)) {
                break;
            }
        }
        String scheme = hop == null || hop.get("proto") == null ? request.getScheme() : hop.get("proto");
        String host = hop == null || hop.get("host") == null ? hostOf(request) : hop.get("host");
        return new Client(address, scheme, host);
    }

    private Client fromXForwarded(HttpServletRequest request) {
        List<String> chain = commaValues(values(request, "X-Forwarded-For"));
        String address = request.getRemoteAddr();
        int fromRight = 0;
        for (int i = chain.size() - 1; i >= 0; i--) {
            address = nodeAddress(chain.get(i));
            fromRight = chain.size() - 1 - i;
            if (!isTrusted(address)) {
                break;
            }
        }
        String scheme = atSamePosition(commaValues(values(request, "X-Forwarded-Proto")), fromRight)
                .orElseGet(request::getScheme);
        String host = atSamePosition(commaValues(values(request, "X-Forwarded-Host")), fromRight)
                .orElseGet(() -> hostOf(request));
        return new Client(address, scheme, host);
    }

    private static Optional<String> atSamePosition(List<String> values, int fromRight) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        int index = values.size() - 1 - fromRight;
        return Optional.of(values.get(index >= 0 ? index : 0));
    }

    private static String hostOf(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null || host.isEmpty()) {
            return request.getServerName() + ":" + request.getServerPort();
        }
        return host;
    }

    /** {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711} or a bare IPv6 to the address alone. */
    private static String nodeAddress(String node) {
        String value = node.trim();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(1, end);
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && value.indexOf(':', colon + 1) < 0) {
            return value.substring(0, colon); // IPv4 with a port
        }
        return value;
    }

    private static List<String> values(HttpServletRequest request, String name) {
        java.util.Enumeration<String> headers = request.getHeaders(name);
        return headers == null ? List.of() : Collections.list(headers);
    }

    private static List<String> commaValues(List<String> headers) {
        List<String> values = new ArrayList<>();
        for (String header : headers) {
            for (String value : header.split(",")) {
                if (!value.trim().isEmpty()) {
                    values.add(value.trim());
                }
            }
        }
        return values;
    }

    /**
     * RFC 7239: elements separated by commas, pairs by semicolons, values a token or a quoted string. Empty
     * when the header is malformed (then no forwarded information is used at all).
     */
    static Optional<List<Map<String, String>>> parseForwarded(String header) {
        List<Map<String, String>> elements = new ArrayList<>();
        Map<String, String> element = new LinkedHashMap<>();
        int i = 0;
        int n = header.length();
        while (i < n) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c == ',') {
                if (!element.isEmpty()) {
                    elements.add(element);
                }
                element = new LinkedHashMap<>();
                i++;
                continue;
            }
            if (c == ';') {
                i++;
                continue;
            }
            int equals = header.indexOf('=', i);
            if (equals < 0) {
                return Optional.empty();
            }
            String name = header.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || !name.chars().allMatch(TrustedProxies::isTokenChar)) {
                return Optional.empty();
            }
            i = equals + 1;
            StringBuilder value = new StringBuilder();
            if (i < n && header.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char q = header.charAt(i++);
                    if (q == '\\' && i < n) {
                        value.append(header.charAt(i++));
                    } else if (q == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(q);
                    }
                }
                if (!closed) {
                    return Optional.empty();
                }
            } else {
                while (i < n && isTokenChar(header.charAt(i))) {
                    value.append(header.charAt(i++));
                }
                if (value.length() == 0) {
                    return Optional.empty();
                }
            }
            if (element.put(name, value.toString()) != null) {
                return Optional.empty(); // a parameter twice in one element
            }
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && header.charAt(i) != ';' && header.charAt(i) != ',') {
                return Optional.empty();
            }
        }
        if (!element.isEmpty()) {
            elements.add(element);
        }
        return elements.isEmpty() ? Optional.empty() : Optional.of(elements);
    }

    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    @Override
    public String toString() {
        return networks.isEmpty() ? "none" : networks.toString();
    }

    /** The client as the trusted proxies describe it: address, scheme and {@code Host} ({@code host[:port]}). */
    public static final class Client {
        private final String address;
        private final String scheme;
        private final String host;

        Client(String address, String scheme, String host) {
            this.address = Objects.requireNonNull(address, "address");
            this.scheme = Objects.requireNonNull(scheme, "scheme").toLowerCase(Locale.ROOT);
            this.host = Objects.requireNonNull(host, "host");
        }

        /** The client's IP address (or what the nearest untrusted hop is called, e.g. {@code unknown}). */
        public String address() {
            return address;
        }

        public String scheme() {
            return scheme;
        }

        public String host() {
            return host;
        }

        public boolean isHttps() {
            return "https".equals(scheme);
        }

        /** {@code scheme://host[:port]} as the browser used it, for the same-origin check. */
        public String origin() {
            return scheme + "://" + host;
        }

        @Override
        public String toString() {
            return "Client[" + address + ", " + origin() + "]";
        }
    }
}
