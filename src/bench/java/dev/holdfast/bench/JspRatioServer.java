package dev.holdfast.bench;

import dev.holdfast.testing.EmbeddedJetty;
import dev.holdfast.testing.EmbeddedTomcat;
import dev.holdfast.token.Keys;
import dev.holdfast.token.TokenIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One trivial JSP served twice by the same web application, for {@code bench/wrk-jsp.sh}: {@code /open/hello.jsp}
 * outside the filter and {@code /protected/hello.jsp} behind {@code JwtAuthFilter} (declared alone in
 * {@code web.xml}, {@code jwt.secret} only, every other setting at its default). Started in Jetty 12 or Tomcat
 * 10.1 (embedded); writes the port and a valid token (one hour) to the two files named, then runs until killed.
 *
 * <pre>JspRatioServer jetty|tomcat &lt;port file&gt; &lt;token file&gt;</pre>
 */
public final class JspRatioServer {

    static final String SECRET = "jsp-ratio-bench-secret-0123456789abcdefghij";
    static final String JSP = "<%@ page contentType=\"text/plain; charset=UTF-8\" session=\"false\" %>hello <%= request.getRemoteUser() %>\n";
    static final String WEB_XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
            + "  <context-param><param-name>holdfast.jwt.secret</param-name><param-value>" + SECRET + "</param-value></context-param>\n"
            + "  <filter><filter-name>holdfast</filter-name><filter-class>dev.holdfast.JwtAuthFilter</filter-class></filter>\n"
            + "  <filter-mapping><filter-name>holdfast</filter-name><url-pattern>/protected/*</url-pattern></filter-mapping>\n"
            + "  <filter><filter-name>pass</filter-name><filter-class>dev.holdfast.bench.PassThroughFilter</filter-class></filter>\n"
            + "  <filter-mapping><filter-name>pass</filter-name><url-pattern>/passthrough/*</url-pattern></filter-mapping>\n"
            + "  <filter><filter-name>wrap</filter-name><filter-class>dev.holdfast.bench.PassThroughFilter</filter-class>"
            + "<init-param><param-name>wrap</param-name><param-value>true</param-value></init-param></filter>\n"
            + "  <filter-mapping><filter-name>wrap</filter-name><url-pattern>/wrapped/*</url-pattern></filter-mapping>\n"
            + "</web-app>\n";

    private JspRatioServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3 || !List.of("jetty", "tomcat").contains(args[0])) {
            throw new IllegalArgumentException("usage: JspRatioServer jetty|tomcat <port file> <token file>");
        }
        Path app = Files.createTempDirectory("holdfast-jsp-ratio");
        Files.createDirectories(app.resolve("WEB-INF"));
        Files.createDirectories(app.resolve("open"));
        Files.writeString(app.resolve("WEB-INF/web.xml"), WEB_XML, StandardCharsets.UTF_8);
        Files.writeString(app.resolve("open/hello.jsp"), JSP, StandardCharsets.UTF_8);
        for (String path : List.of("protected", "passthrough", "wrapped")) {
            Files.createDirectories(app.resolve(path));
            Files.writeString(app.resolve(path + "/hello.jsp"), JSP, StandardCharsets.UTF_8);
        }
        String token = new TokenIssuer(Keys.hmac(SECRET.getBytes(StandardCharsets.US_ASCII)), "holdfast", Optional.empty(),
                Clock.systemUTC()).issue("bench", Optional.empty(), List.of("user"), "database", Duration.ofHours(1)).compact();
        AutoCloseable server;
        int port;
        if (args[0].equals("jetty")) {
            EmbeddedJetty jetty = EmbeddedJetty.builder().war(app).contextPath("/").contextParameters(Map.of()).start();
            server = jetty;
            port = jetty.port();
        } else {
            EmbeddedTomcat tomcat = EmbeddedTomcat.builder().war(app).contextPath("").contextParameters(Map.of()).start();
            server = tomcat;
            port = tomcat.port();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }, "jsp-ratio-stop"));
        Files.writeString(Path.of(args[2]), token, StandardCharsets.US_ASCII);
        Files.writeString(Path.of(args[1]), Integer.toString(port), StandardCharsets.US_ASCII);
        System.out.println(args[0] + " on http://127.0.0.1:" + port + "/");
        stopped.await();
    }
}
