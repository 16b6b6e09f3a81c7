package dev.holdfast.fleet;

import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TomcatProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One Holdfast node of a fleet: a Tomcat in its own JVM ({@link TomcatProcess}) behind a {@link FaultProxy} that
 * is the node's address for everyone else, as a load balancer's member address is. The address outlives
 * restarts (a restarted Tomcat gets a new ephemeral port and the proxy forwards to it) and refuses connections
 * while the node is stopped. Each run's whole console log is kept as {@code <logs>/<name>-<run>.log}.
 */
final class FleetNode implements AutoCloseable {
    private final String name;
    private final Supplier<TomcatProcess.Builder> tomcat;
    private final String protectedPath;
    private final Path logs;
    private final FaultProxy front;
    private TomcatProcess running;
    private int runs;

    /**
     * @param tomcat        makes the node's Tomcat afresh for each start, so a restart reads its settings again
     * @param protectedPath a path behind {@code JwtAuthFilter} that answers 200 to a valid token
     */
    FleetNode(String name, Supplier<TomcatProcess.Builder> tomcat, String protectedPath, Path logs) throws IOException {
        this.name = Objects.requireNonNull(name, "name");
        this.tomcat = Objects.requireNonNull(tomcat, "tomcat");
        this.protectedPath = Objects.requireNonNull(protectedPath, "protectedPath");
        this.logs = Files.createDirectories(logs);
        // Nothing listens behind it yet: the proxy is bound first so that its port can go into other nodes' settings.
        this.front = FaultProxy.start("127.0.0.1", 1);
        front.refuse();
    }

    String name() {
        return name;
    }

    /** {@code http://127.0.0.1:<stable port><path>}. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + front.port() + path);
    }

    URI protectedUri() {
        return uri(protectedPath);
    }

    synchronized boolean isRunning() {
        return running != null;
    }

    /** Starts the JVM and returns once Tomcat has deployed the application (it fails with the log otherwise). */
    synchronized void start() {
        if (running != null) {
            throw new IllegalStateException(name + " is already running");
        }
        runs++;
        try {
            running = tomcat.get().start();
        } catch (RuntimeException e) {
            throw new IllegalStateException(name + " did not start; its log is in " + logs, e);
        }
        front.forwardTo(running.port());
        front.pass();
    }

    /** Stops the JVM as an admin does (SIGTERM, then its shutdown), keeps the log and refuses new connections. */
    synchronized void stop() {
        if (running == null) {
            return;
        }
        front.refuse();
        front.killAll();
        TomcatProcess stopping = running;
        running = null;
        try {
            stopping.stop();
        } finally {
            keepLog(stopping.log());
            stopping.close();
        }
    }

    synchronized void restart() {
        stop();
        start();
    }

    /** The current run's log so far (empty while stopped). */
    synchronized String log() {
        return running == null ? "" : running.log();
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            front.close();
        }
    }

    private void keepLog(String log) {
        try {
            Files.writeString(logs.resolve(name + "-" + runs + ".log"), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the log of " + name, e);
        }
    }
}
