package dev.holdfast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import jakarta.servlet.ServletContext;
import org.eclipse.jetty.ee10.apache.jsp.JettyJasperInitializer;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A WAR deployed in a real embedded Jetty 12 (ee10) with JSP support, on a random port. Context
 * parameters are written into an override descriptor, which Jetty applies after {@code web.xml}, so they
 * win over the WAR's own values without editing it.
 *
 * <pre>{@code
 * try (EmbeddedJetty jetty = EmbeddedJetty.start(Map.of("holdfast.jwt.secret", secret))) {
 *     HttpRequest.newBuilder(jetty.uri("/app/")) ...
 * }
 * }</pre>
 */
public final class EmbeddedJetty implements AutoCloseable {

    private final Server server;
    private final WebAppContext webApp;
    private final Path workDir;

    private EmbeddedJetty(Server server, WebAppContext webApp, Path workDir) {
        this.server = server;
        this.webApp = webApp;
        this.workDir = workDir;
    }

    /** The built WAR ({@code test.holdfast.war}) at the root context, with these context parameters. */
    public static EmbeddedJetty start(Map<String, String> contextParameters) {
        return builder().contextParameters(contextParameters).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** {@code http://127.0.0.1:port/<context path><path>} */
    public URI uri(String path) {
        Objects.requireNonNull(path, "path");
        String contextPath = "/".equals(webApp.getContextPath()) ? "" : webApp.getContextPath();
        return URI.create("http://127.0.0.1:" + port() + contextPath + path);
    }

    /** The deployed application's context, e.g. to read an init parameter or an attribute the app set. */
    public ServletContext servletContext() {
        return webApp.getServletContext();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) { // Jetty's LifeCycle.stop() declares Exception
            throw new IllegalStateException("Jetty did not stop cleanly", e);
        } finally {
            server.destroy();
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    public static final class Builder {
        private Path war;
        private String contextPath = "/";
        private final Map<String, String> contextParameters = new LinkedHashMap<>();

        private Builder() {
        }

        /** Default: {@code -Dtest.holdfast.war}, else {@code target/holdfast.war}. A directory works too. */
        public Builder war(Path war) {
            this.war = Objects.requireNonNull(war, "war");
            return this;
        }

        /** {@code "/"} (the default) for the root context, else {@code /name}. */
        public Builder contextPath(String contextPath) {
            this.contextPath = Objects.requireNonNull(contextPath, "contextPath");
            return this;
        }

        public Builder contextParameters(Map<String, String> parameters) {
            this.contextParameters.putAll(Objects.requireNonNull(parameters, "parameters"));
            return this;
        }

        public Builder contextParameter(String name, String value) {
            this.contextParameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public EmbeddedJetty start() {
            Path warFile = war != null ? war.toAbsolutePath() : Wars.builtWar();
            Path workDir;
            Path overrides;
            try {
                workDir = Files.createTempDirectory("holdfast-jetty");
                Files.createDirectories(workDir.resolve("tmp"));
                overrides = Files.writeString(workDir.resolve("override-web.xml"), overrideDescriptor(),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("no temporary directory for Jetty", e);
            }
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);

            WebAppContext webApp = new WebAppContext();
            webApp.setContextPath(contextPath);
            webApp.setWar(warFile.toString());
            webApp.setTempDirectory(workDir.resolve("tmp").toFile());
            webApp.addOverrideDescriptor(overrides.toString());
            webApp.setParentLoaderPriority(false);
            // Without jetty-ee10-annotations no initializer is discovered: start JSP support by hand.
            webApp.addServletContainerInitializer(new JettyJasperInitializer());
            webApp.setThrowUnavailableOnStartupException(true);
            server.setHandler(webApp);
            server.setStopAtShutdown(false);
            try {
                server.start();
            } catch (Exception e) { // Jetty's LifeCycle.start() declares Exception
                try {
                    server.stop();
                } catch (Exception stopFailure) {
                    e.addSuppressed(stopFailure);
                }
                deleteRecursively(workDir);
                throw new IllegalStateException("Jetty did not start the web application", e);
            }
            return new EmbeddedJetty(server, webApp, workDir);
        }

        private String overrideDescriptor() {
            StringBuilder xml = new StringBuilder()
                    .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                    .append("<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n");
            for (Map.Entry<String, String> parameter : contextParameters.entrySet()) {
                xml.append("  <context-param><param-name>").append(Wars.xml(parameter.getKey()))
                        .append("</param-name><param-value>").append(Wars.xml(parameter.getValue()))
                        .append("</param-value></context-param>\n");
            }
            return xml.append("</web-app>\n").toString();
        }
    }
}
