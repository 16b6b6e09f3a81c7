package dev.holdfast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import jakarta.servlet.ServletContext;
import javax.naming.NamingException;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ApplicationParameter;
import org.apache.tomcat.util.descriptor.web.ContextResource;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * A WAR deployed in a real embedded Tomcat 10.1, configured the way an admin configures Tomcat: context
 * parameters as {@code context.xml} {@code <Parameter override="false">} (they win over {@code web.xml}),
 * a JNDI DataSource as a {@code context.xml} {@code <Resource>} served by {@code tomcat-dbcp}, or a whole
 * {@code context.xml} file. Naming is on, class-path jar scanning is off (it triples start-up), the port is
 * random.
 *
 * <pre>{@code
 * try (EmbeddedTomcat tomcat = EmbeddedTomcat.builder()
 *         .contextParameters(Map.of("holdfast.jwt.secret", secret))
 *         .dataSource("jdbc/users", jdbcUrl, "postgres", "postgres")
 *         .start()) {
 *     HttpRequest.newBuilder(tomcat.uri("/app/")) ...
 * }
 * }</pre>
 */
public final class EmbeddedTomcat implements AutoCloseable {

    private final Tomcat tomcat;
    private final StandardContext context;
    private final Path baseDir;

    private EmbeddedTomcat(Tomcat tomcat, StandardContext context, Path baseDir) {
        this.tomcat = tomcat;
        this.context = context;
        this.baseDir = baseDir;
    }

    /** The built WAR ({@code test.holdfast.war}) at the root context, with these context parameters. */
    public static EmbeddedTomcat start(Map<String, String> contextParameters) {
        return builder().contextParameters(contextParameters).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** {@code http://127.0.0.1:port/<context path><path>} */
    public URI uri(String path) {
        Objects.requireNonNull(path, "path");
        return URI.create("http://127.0.0.1:" + port() + context.getPath() + path);
    }

    /** The deployed application's context, e.g. to read an init parameter or an attribute the app set. */
    public ServletContext servletContext() {
        return context.getServletContext();
    }

    /** Looks a name up in the application's {@code java:comp/env}, as the application would. */
    public Object lookup(String name) throws NamingException {
        Objects.requireNonNull(name, "name");
        return context.getNamingContextListener().getEnvContext().lookup(name);
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop cleanly", e);
        } finally {
            deleteRecursively(baseDir);
        }
    }

    /**
     * A Tomcat, not started yet, on a free port, its files and applications under {@code baseDir}: for tests that
     * deploy and undeploy contexts themselves. JNDI is off until {@link Tomcat#enableNaming()}.
     */
    public static Tomcat server(Path baseDir) throws IOException {
        Files.createDirectories(baseDir.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector();
        tomcat.getHost().setAppBase(baseDir.resolve("webapps").toString());
        return tomcat;
    }

    /**
     * A context as every embedded Tomcat of the tests deploys one: the test class path is its parent and is not
     * scanned for web fragments, and {@code parameters} are context parameters as {@code <Parameter override="false">}
     * would give, winning over web.xml.
     */
    public static void configure(StandardContext context, Map<String, String> parameters) {
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        context.setJarScanner(scanner);
        context.setParentClassLoader(EmbeddedTomcat.class.getClassLoader());
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            ApplicationParameter applicationParameter = new ApplicationParameter();
            applicationParameter.setName(parameter.getKey());
            applicationParameter.setValue(parameter.getValue());
            applicationParameter.setOverride(false);
            context.addApplicationParameter(applicationParameter);
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
        private String contextPath = "";
        private final Map<String, String> contextParameters = new LinkedHashMap<>();
        private final List<ContextResource> resources = new ArrayList<>();
        private Path contextXml;

        private Builder() {
        }

        /** Default: {@code -Dtest.holdfast.war}, else {@code target/holdfast.war}. A directory works too. */
        public Builder war(Path war) {
            this.war = Objects.requireNonNull(war, "war");
            return this;
        }

        /** {@code ""} (the default) for the root context, else {@code /name}. */
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

        /**
         * A DataSource at {@code java:comp/env/<name>}, as {@code <Resource name="jdbc/users"
         * type="javax.sql.DataSource" driverClassName="org.postgresql.Driver" .../>} in context.xml would declare it.
         */
        public Builder dataSource(String name, String url, String user, String password) {
            ContextResource resource = new ContextResource();
            resource.setName(Objects.requireNonNull(name, "name"));
            resource.setAuth("Container");
            resource.setType("javax.sql.DataSource");
            resource.setProperty("factory", "org.apache.tomcat.dbcp.dbcp2.BasicDataSourceFactory");
            resource.setProperty("driverClassName", "org.postgresql.Driver");
            resource.setProperty("url", Objects.requireNonNull(url, "url"));
            resource.setProperty("username", Objects.requireNonNull(user, "user"));
            resource.setProperty("password", Objects.requireNonNull(password, "password"));
            resource.setProperty("maxTotal", "8");
            resource.setProperty("maxWaitMillis", "1000");
            resource.setProperty("closeMethod", "close");
            resources.add(resource);
            return this;
        }

        /** A real context.xml, read as Tomcat reads {@code META-INF/context.xml} or {@code conf/Catalina/localhost/app.xml}. */
        public Builder contextXml(Path contextXml) {
            this.contextXml = Objects.requireNonNull(contextXml, "contextXml");
            return this;
        }

        public EmbeddedTomcat start() {
            Path warFile = war != null ? war.toAbsolutePath() : Wars.builtWar();
            Path baseDir;
            Tomcat tomcat;
            try {
                baseDir = Files.createTempDirectory("holdfast-tomcat");
                tomcat = server(baseDir);
            } catch (IOException e) {
                throw new UncheckedIOException("no temporary directory for Tomcat", e);
            }
            tomcat.enableNaming();

            StandardContext context = (StandardContext) tomcat.addWebapp(contextPath, warFile.toString());
            configure(context, contextParameters);
            if (contextXml != null) {
                try {
                    context.setConfigFile(contextXml.toUri().toURL());
                } catch (IOException e) {
                    throw new UncheckedIOException("bad context.xml path " + contextXml, e);
                }
            }
            for (ContextResource resource : resources) {
                context.getNamingResources().addResource(resource);
            }
            try {
                tomcat.start();
            } catch (LifecycleException e) {
                deleteRecursively(baseDir);
                throw new IllegalStateException("Tomcat did not start", e);
            }
            if (!context.getState().isAvailable()) {
                EmbeddedTomcat failed = new EmbeddedTomcat(tomcat, context, baseDir);
                failed.close();
                throw new IllegalStateException("the web application did not start in Tomcat (state "
                        + context.getState() + "); see the log above");
            }
            return new EmbeddedTomcat(tomcat, context, baseDir);
        }
    }
}
