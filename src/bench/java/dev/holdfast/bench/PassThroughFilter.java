package dev.holdfast.bench;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/**
 * The controls of {@code bench/wrk-jsp.sh}: what any filter costs before it does anything of its own. Without
 * init-params it only passes the request on; with {@code wrap=true} it also hands the page a request wrapper that
 * names a user, as every authentication filter must (what the container does differently for a wrapped request).
 */
public final class PassThroughFilter implements Filter {
    private boolean wrap;

    @Override
    public void init(jakarta.servlet.FilterConfig config) {
        wrap = Boolean.parseBoolean(config.getInitParameter("wrap"));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!wrap) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
            @Override
            public String getRemoteUser() {
                return "bench";
            }
        }, response);
    }
}
