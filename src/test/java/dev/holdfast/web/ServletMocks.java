package dev.holdfast.web;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Mockito-backed servlet requests and a response that records what was written. */
public final class ServletMocks {

    private ServletMocks() {
    }

    /** A request body stream over {@code bytes}. */
    public static ServletInputStream body(byte[] bytes) {
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(jakarta.servlet.ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** A request builder: {@code path} is the path inside the app, optionally with {@code ?query}. */
    public static final class Request {
        private final String method;
        private final String path;
        private final String query;
        private String contextPath = "/app";
        private String scheme = "http";
        private boolean secure;
        private String remoteAddr = "192.0.2.1";
        private String contentType;
        private long contentLength = -1;
        private ServletInputStream body;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private final List<Cookie> cookies = new ArrayList<>();

        public Request(String method, String pathAndQuery) {
            this.method = method;
            int q = pathAndQuery.indexOf('?');
            this.path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            this.query = q < 0 ? null : pathAndQuery.substring(q + 1);
        }

        public Request header(String name, String value) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
            return this;
        }

        public Request cookie(String name, String value) {
            cookies.add(new Cookie(name, value));
            return this;
        }

        public Request contextPath(String value) {
            contextPath = value;
            return this;
        }

        /** A body of {@code contentType}; {@code declaredLength} is the Content-Length, -1 for chunked. */
        public Request body(String type, ServletInputStream stream, long declaredLength) {
            contentType = type;
            body = stream;
            contentLength = declaredLength;
            return this;
        }

        /** The connection's address ({@code getRemoteAddr()}); {@code 192.0.2.1} unless set. */
        public Request remoteAddr(String value) {
            remoteAddr = value;
            return this;
        }

        public Request https() {
            scheme = "https";
            secure = true;
            return this;
        }

        public HttpServletRequest build() {
            HttpServletRequest r = mock(HttpServletRequest.class);
            Map<String, Object> attributes = new HashMap<>();
            when(r.getMethod()).thenReturn(method);
            when(r.getContextPath()).thenReturn(contextPath);
            when(r.getServletPath()).thenReturn(path);
            when(r.getPathInfo()).thenReturn(null);
            when(r.getRequestURI()).thenReturn(contextPath + path);
            when(r.getQueryString()).thenReturn(query);
            when(r.getScheme()).thenReturn(scheme);
            when(r.isSecure()).thenReturn(secure);
            when(r.getRemoteAddr()).thenReturn(remoteAddr);
            when(r.getContentType()).thenReturn(contentType);
            when(r.getContentLengthLong()).thenReturn(contentLength);
            try {
                // As a container does: an empty stream when no body was sent.
                when(r.getInputStream()).thenReturn(body != null ? body : ServletMocks.body(new byte[0]));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            when(r.getServerName()).thenReturn("app.example");
            when(r.getServerPort()).thenReturn(secure ? 443 : 80);
            if (!headers.containsKey("host")) {
                header("Host", "app.example");
            }
            when(r.getHeader(anyString())).thenAnswer(inv -> {
                List<String> values = headers.get(((String) inv.getArgument(0)).toLowerCase(Locale.ROOT));
                return values == null ? null : values.get(0);
            });
            when(r.getHeaders(anyString())).thenAnswer(inv -> Collections.enumeration(
                    headers.getOrDefault(((String) inv.getArgument(0)).toLowerCase(Locale.ROOT), List.of())));
            when(r.getCookies()).thenReturn(cookies.isEmpty() ? null : cookies.toArray(new Cookie[0]));
            doAnswer(inv -> attributes.put(inv.getArgument(0), inv.getArgument(1))).when(r).setAttribute(anyString(), any());
            when(r.getAttribute(anyString())).thenAnswer(inv -> attributes.get((String) inv.getArgument(0)));
            return r;
        }
    }

    /** Records status, headers and body. */
    public static final class Response {
        public int status = 200;
        public final Map<String, List<String>> headers = new LinkedHashMap<>();
        public final ByteArrayOutputStream body = new ByteArrayOutputStream();
        public final HttpServletResponse mock = mock(HttpServletResponse.class);

        public Response() {
            doAnswer(inv -> status = inv.getArgument(0)).when(mock).setStatus(anyInt());
            try {
                doAnswer(inv -> status = inv.getArgument(0)).when(mock).sendError(anyInt());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            when(mock.getStatus()).thenAnswer(inv -> status);
            doAnswer(inv -> headers.put(((String) inv.getArgument(0)).toLowerCase(Locale.ROOT),
                    new ArrayList<>(List.of((String) inv.getArgument(1))))).when(mock).setHeader(anyString(), anyString());
            doAnswer(inv -> headers.computeIfAbsent(((String) inv.getArgument(0)).toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(inv.getArgument(1))).when(mock).addHeader(anyString(), anyString());
            doAnswer(inv -> headers.put("content-type", new ArrayList<>(List.of((String) inv.getArgument(0)))))
                    .when(mock).setContentType(anyString());
            try {
                when(mock.getOutputStream()).thenReturn(new ServletOutputStream() {
                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public void write(int b) {
                        body.write(b);
                    }
                });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        public String body() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }
}
