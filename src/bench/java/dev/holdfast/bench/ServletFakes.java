package dev.holdfast.bench;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The few servlet-API objects the filter touches, as plain dynamic proxies (no Mockito: its call recording
 * would dominate a microsecond benchmark). Any method the filter was not expected to call fails loudly, so
 * a change in what the filter reads shows up here instead of skewing the figure.
 */
final class ServletFakes {

    private ServletFakes() {
    }

    static ServletContext context(Map<String, String> initParameters) {
        return proxy(ServletContext.class, (name, args) -> {
            switch (name) {
                case "getInitParameterNames":
                    return Collections.enumeration(initParameters.keySet());
                case "getInitParameter":
                    return initParameters.get((String) args[0]);
                case "getAttribute":
                    return null; // no listener: the filter builds its own verifier
                case "getContextPath":
                    return "";
                default:
                    throw new UnsupportedOperationException("ServletContext." + name);
            }
        });
    }

    static FilterConfig filterConfig(String filterName, ServletContext context) {
        return proxy(FilterConfig.class, (name, args) -> {
            switch (name) {
                case "getFilterName":
                    return filterName;
                case "getServletContext":
                    return context;
                case "getInitParameterNames":
                    return Collections.emptyEnumeration();
                case "getInitParameter":
                    return null;
                default:
                    throw new UnsupportedOperationException("FilterConfig." + name);
            }
        });
    }

    /** A GET of {@code servletPath} carrying {@code headers}; attributes work as in a container. */
    static HttpServletRequest get(String servletPath, Map<String, String> headers) {
        Map<String, Object> attributes = new HashMap<>();
        return proxy(HttpServletRequest.class, (name, args) -> {
            switch (name) {
                case "getMethod":
                    return "GET";
                case "getServletPath":
                    return servletPath;
                case "getPathInfo":
                case "getQueryString":
                case "getRemoteUser":
                case "getCookies":
                    return null;
                case "getContextPath":
                    return "";
                case "getRequestURI":
                    return servletPath;
                case "isSecure":
                    return false;
                case "getHeader":
                    return headers.get((String) args[0]);
                case "getHeaders": {
                    String value = headers.get((String) args[0]);
                    return Collections.enumeration(value == null ? List.of() : List.of(value));
                }
                case "getAttribute":
                    return attributes.get((String) args[0]);
                case "setAttribute":
                    attributes.put((String) args[0], args[1]);
                    return null;
                case "removeAttribute":
                    attributes.remove((String) args[0]);
                    return null;
                default:
                    throw new UnsupportedOperationException("HttpServletRequest." + name);
            }
        });
    }

    /**
     * A response the accepted path must not write to: only headers may be set (the filter's {@code noStore}
     * sets {@code Cache-Control} before the application writes); anything else fails.
     */
    static HttpServletResponse untouchedResponse() {
        return proxy(HttpServletResponse.class, (name, args) -> {
            if (name.equals("setHeader")) {
                return null;
            }
            throw new UnsupportedOperationException("HttpServletResponse." + name + " on the accepted path");
        });
    }

    @FunctionalInterface
    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(ServletFakes.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> {
                    switch (method.getName()) {
                        case "hashCode":
                            return System.identityHashCode(self);
                        case "equals":
                            return self == args[0];
                        case "toString":
                            return type.getSimpleName() + " fake";
                        default:
                            return answer.answer(method.getName(), args);
                    }
                }));
    }
}
