package dev.holdfast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Tomcat from its distribution zip (unpacked by the build), in its own JVM: the only way to run
 * Tomcat 9, whose {@code javax.servlet} cannot share this {@code jakarta} test class path, and the way an
 * admin runs any Tomcat (an application in it shares no class with the tests, as it would in production). Each instance has its own {@code CATALINA_BASE} in a temporary directory: a
 * generated {@code server.xml} (an ephemeral HTTP port on 127.0.0.1, the shutdown port off, the stock leak
 * prevention listeners, a background check every second so that removing a context descriptor undeploys
 * it), the distribution's other {@code conf/} files, extra jars in {@code lib/} (a JDBC driver for a
 * container DataSource), and one context descriptor per application in {@code conf/Catalina/localhost/},
 * with {@code <Parameter>} and {@code <Resource>} elements as an admin writes them.
 *
 * <p>Everything Tomcat and the applications print goes to one console file: {@link #log()}. Start-up waits
 * for Tomcat's own "Server startup" line (the applications are deployed before it) and fails, with the log,
 * when an application did not start.
 *
 * <pre>{@code
 * try (TomcatProcess tomcat = TomcatProcess.builder(TomcatProcess.tomcat9Home())
 *         .libJar(postgresqlJar)
 *         .context(TomcatProcess.context("/orders", appDir).parameter("holdfast.jwt.secret", secret))
 *         .start()) {
 *     HttpRequest.newBuilder(tomcat.uri("/orders/whoami.jsp")) ...
 * }
 * }</pre>
 */
public final class TomcatProcess implements AutoCloseable {

    /** Start-up and shutdown are bounded generously: the machine may be busy with other builds. */
    private static final Duration START_BOUND = Duration.ofMinutes(3);
    private static final Duration STOP_BOUND = Duration.ofMinutes(1);
    private static final Pattern PORT = Pattern.compile("Starting ProtocolHandler \\[\"http-nio-(?:[0-9.]+-)?auto-\\d+-(\\d+)\"\\]");

    private final Process process;
    private final Path base;
    private final Path console;
    private final int port;
    private final Map<String, Context> contexts;
    /** Kills the JVM if the tests' own JVM exits first (a failed or interrupted run): no Tomcat outlives the build. */
    private final Thread killAtExit;

    private TomcatProcess(Process process, Path base, Path console, int port, Map<String, Context> contexts, Thread killAtExit) {
        this.process = process;
        this.base = base;
        this.console = console;
        this.port = port;
        this.contexts = contexts;
        this.killAtExit = killAtExit;
    }

    /** The Tomcat 9 the build unpacked ({@code -Dtest.tomcat9.home}, which failsafe sets). */
    public static Path tomcat9Home() {
        return home("test.tomcat9.home", "target/it/apache-tomcat-9.0.100");
    }

    /** The Tomcat 10.1 the build unpacked ({@code -Dtest.tomcat10.home}, which failsafe sets). */
    public static Path tomcat10Home() {
        return home("test.tomcat10.home", "target/it/apache-tomcat-10.1.49");
    }

    private static Path home(String property, String fallback) {
        Path home = Paths.get(System.getProperty(property, fallback)).toAbsolutePath();
        if (!Files.isRegularFile(home.resolve("bin/bootstrap.jar"))) {
            throw new IllegalStateException("no Tomcat distribution at " + home + "; run `mvn verify` (the"
                    + " pre-integration-test phase unpacks it), or point -D" + property + " at one");
        }
        return home;
    }

    public static Builder builder(Path home) {
        return new Builder(home);
    }

    /** An application at {@code path} ({@code ""} for the root) served from {@code docBase}, a WAR or a directory. */
    public static Context context(String path, Path docBase) {
        return new Context(path, docBase);
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:port<path>}; the path includes the context path. */
    public URI uri(String path) {
        Objects.requireNonNull(path, "path");
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Everything Tomcat and its applications printed so far. */
    public String log() {
        try {
            return Files.readString(console, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + console, e);
        }
    }

    /**
     * Undeploys the application as an admin does, by removing its context descriptor, and returns once
     * Tomcat has said it is undeploying it. Its stop may still be running then: {@link #stop()} waits for
     * everything Tomcat has to say.
     */
    public void undeploy(String contextPath) {
        Context context = contexts.get(contextPath);
        if (context == null) {
            throw new IllegalArgumentException("no application at [" + contextPath + "]");
        }
        try {
            Files.delete(descriptor(base, context.path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the descriptor of " + contextPath, e);
        }
        String undeploying = "Undeploying context [" + (contextPath.isEmpty() ? "" : contextPath) + "]";
        awaitLog(undeploying, START_BOUND);
    }

    /** Stops Tomcat as its shutdown hook does (SIGTERM) and returns the whole log once the JVM has exited. */
    public String stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("Tomcat did not stop within " + STOP_BOUND + ":\n" + log());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while stopping Tomcat", e);
            }
        }
        return log();
    }

    /** Stops Tomcat, copies its log to this test's output (failsafe keeps it in a report file) and deletes its base. */
    @Override
    public void close() {
        try {
            stop();
            removeKillAtExit();
        } finally {
            System.out.println("---- Tomcat's log (" + base + ") ----\n" + log() + "---- end of Tomcat's log ----");
            deleteRecursively(base);
        }
    }

    private void removeKillAtExit() {
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs and kills a process that has ended anyway
        }
    }

    private void awaitLog(String text, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Tomcat exited while waiting for \"" + text + "\":\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no \"" + text + "\" within " + bound + ":\n" + log());
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Tomcat", e);
        }
    }

    private static Path descriptor(Path base, String contextPath) {
        String name = contextPath.isEmpty() ? "ROOT" : contextPath.substring(1).replace('/', '#');
        return base.resolve("conf/Catalina/localhost").resolve(name + ".xml");
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    /** One application's context descriptor ({@code conf/Catalina/localhost/<name>.xml}). */
    public static final class Context {
        private final String path;
        private final Path docBase;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final List<String> resources = new ArrayList<>();

        private Context(String path, Path docBase) {
            Objects.requireNonNull(path, "path");
            if (!path.isEmpty() && (!path.startsWith("/") || path.endsWith("/"))) {
                throw new IllegalArgumentException("path must be \"\" or /name, got [" + path + "]");
            }
            this.path = path;
            this.docBase = Objects.requireNonNull(docBase, "docBase").toAbsolutePath();
        }

        /** {@code <Parameter name value override="false"/>}: wins over the application's web.xml. */
        public Context parameter(String name, String value) {
            parameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Context parameters(Map<String, String> values) {
            values.forEach(this::parameter);
            return this;
        }

        /** A container DataSource at {@code java:comp/env/<name>}, served by Tomcat's own DBCP. */
        public Context dataSource(String name, String url, String user, String password) {
            resources.add("<Resource name=\"" + Wars.xml(name) + "\" auth=\"Container\" type=\"javax.sql.DataSource\""
                    + " driverClassName=\"org.postgresql.Driver\" url=\"" + Wars.xml(url) + "\""
                    + " username=\"" + Wars.xml(user) + "\" password=\"" + Wars.xml(password) + "\""
                    + " maxTotal=\"8\" maxWaitMillis=\"1000\" closeMethod=\"close\"/>");
            return this;
        }

        private String xml() {
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Context docBase=\"")
                    .append(Wars.xml(docBase.toString())).append("\">\n");
            parameters.forEach((name, value) -> xml.append("  <Parameter name=\"").append(Wars.xml(name))
                    .append("\" value=\"").append(Wars.xml(value)).append("\" override=\"false\"/>\n"));
            resources.forEach(resource -> xml.append("  ").append(resource).append('\n'));
            return xml.append("</Context>\n").toString();
        }
    }

    public static final class Builder {
        private final Path home;
        private final List<Path> libJars = new ArrayList<>();
        private final Map<String, Context> contexts = new LinkedHashMap<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Builder(Path home) {
            this.home = Objects.requireNonNull(home, "home");
        }

        /** A jar for Tomcat's own {@code lib/} (shared by every application), e.g. the JDBC driver of a DataSource. */
        public Builder libJar(Path jar) {
            libJars.add(Objects.requireNonNull(jar, "jar"));
            return this;
        }

        public Builder context(Context context) {
            Objects.requireNonNull(context, "context");
            if (contexts.putIfAbsent(context.path, context) != null) {
                throw new IllegalArgumentException("two applications at [" + context.path + "]");
            }
            return this;
        }

        /** {@code -Dname=value} on Tomcat's command line: how an admin gives {@code holdfast.*} settings in {@code setenv.sh}. */
        public Builder systemProperty(String name, String value) {
            systemProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** An environment variable of Tomcat's JVM, e.g. {@code HOLDFAST_DB_URL} (the test JVM's own {@code HOLDFAST_*} never leak in). */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public TomcatProcess start() {
            Path base;
            try {
                base = Files.createTempDirectory("holdfast-tomcat-base");
                for (String dir : List.of("lib", "logs", "temp", "webapps", "work", "conf/Catalina/localhost")) {
                    Files.createDirectories(base.resolve(dir));
                }
                try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
                    for (Path file : (Iterable<Path>) conf.filter(Files::isRegularFile)::iterator) {
                        Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
                    }
                }
                Files.writeString(base.resolve("conf/server.xml"), SERVER_XML);
                for (Path jar : libJars) {
                    Files.copy(jar, base.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                for (Context context : contexts.values()) {
                    Files.writeString(descriptor(base, context.path), context.xml());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lay out a CATALINA_BASE", e);
            }
            Path console = base.resolve("logs/console.log");
            Process process;
            try {
                ProcessBuilder builder = new ProcessBuilder(command(base))
                        .directory(base.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(console.toFile());
                // Holdfast reads HOLDFAST_* environment variables as settings: none of the test JVM's may leak in.
                builder.environment().keySet().removeIf(name -> name.startsWith("HOLDFAST_"));
                builder.environment().putAll(environment);
                process = builder.start();
            } catch (IOException e) {
                deleteRecursively(base);
                throw new UncheckedIOException("cannot start Tomcat from " + home, e);
            }
            Process started = process;
            Thread killAtExit = new Thread(started::destroyForcibly, "kill-tomcat-" + process.pid());
            Runtime.getRuntime().addShutdownHook(killAtExit);
            TomcatProcess tomcat = new TomcatProcess(process, base, console, -1, contexts, killAtExit);
            try {
                tomcat.awaitLog("Server startup in", START_BOUND);
                String log = tomcat.log();
                Matcher port = PORT.matcher(log);
                if (!port.find()) {
                    throw new IllegalStateException("Tomcat named no port:\n" + log);
                }
                for (String failure : List.of("startup failed due to previous errors", "One or more listeners failed to start",
                        "Error deploying")) {
                    if (log.contains(failure)) {
                        throw new IllegalStateException("an application did not start (" + failure + "):\n" + log);
                    }
                }
                return new TomcatProcess(process, base, console, Integer.parseInt(port.group(1)), contexts, killAtExit);
            } catch (RuntimeException e) {
                tomcat.close();
                throw e;
            }
        }

        private List<String> command(Path base) {
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx384m");
            // What bin/catalina.sh adds on Java 9+, so that Tomcat's leak prevention can look inside the JDK.
            for (String open : List.of("java.base/java.lang", "java.base/java.io", "java.base/java.util",
                    "java.base/java.util.concurrent", "java.rmi/sun.rmi.transport")) {
                command.add("--add-opens=" + open + "=ALL-UNNAMED");
            }
            command.add("-Dcatalina.home=" + home);
            command.add("-Dcatalina.base=" + base);
            command.add("-Djava.io.tmpdir=" + base.resolve("temp"));
            command.add("-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"));
            command.add("-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager");
            command.add("-Djava.protocol.handler.pkgs=org.apache.catalina.webresources");
            systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
            command.add("-classpath");
            command.add(home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"));
            command.add("org.apache.catalina.startup.Bootstrap");
            command.add("start");
            return command;
        }
    }

    private static final String SERVER_XML = String.join("\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<Server port=\"-1\" shutdown=\"SHUTDOWN\">",
            "  <Listener className=\"org.apache.catalina.startup.VersionLoggerListener\"/>",
            "  <Listener className=\"org.apache.catalina.core.JreMemoryLeakPreventionListener\"/>",
            "  <Listener className=\"org.apache.catalina.core.ThreadLocalLeakPreventionListener\"/>",
            "  <Service name=\"Catalina\">",
            "    <Connector port=\"0\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\" connectionTimeout=\"20000\"/>",
            "    <Engine name=\"Catalina\" defaultHost=\"localhost\" backgroundProcessorDelay=\"1\">",
            "      <Host name=\"localhost\" appBase=\"webapps\" unpackWARs=\"true\" autoDeploy=\"true\"/>",
            "    </Engine>",
            "  </Service>",
            "</Server>",
            "");
}
