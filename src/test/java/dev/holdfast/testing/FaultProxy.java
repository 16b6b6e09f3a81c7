package dev.holdfast.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real TCP proxy on {@code 127.0.0.1:<ephemeral>} in front of a real server, whose behaviour can be switched
 * while clients are connected: the network faults a database pool meets in production.
 *
 * <ul>
 *   <li>{@link Mode#PASS}: forwards both ways.</li>
 *   <li>{@link Mode#REFUSE}: the listening socket is closed, so new connects are refused (a stopped server);
 *       switching back reopens it on the same port, which a bound socket that does not listen keeps reserved
 *       meanwhile (no other program's ephemeral bind can take it; connects still see "refused"). Existing
 *       connections are left alone: add
 *       {@link #killAll()} for a server that went away completely.</li>
 *   <li>{@link Mode#BLACKHOLE}: new connections are accepted and then never answered; existing connections
 *       freeze (nothing is forwarded either way). A network partition: only client timeouts end a call.
 *       Switching back releases the held data.</li>
 *   <li>{@link Mode#DROP}: every live connection is reset now (RST, e.g. mid-query), and new connections are
 *       accepted and reset at once.</li>
 *   <li>{@link Mode#delay(Duration)}: forwards, each chunk after the given delay (a slow network).</li>
 * </ul>
 * All threads are daemons named {@code fault-proxy-<port>-...}; {@link #close()} ends them all.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);

    /** What the proxy does with traffic. */
    public static final class Mode {
        enum Kind { PASS, REFUSE, BLACKHOLE, DROP, DELAY }

        public static final Mode PASS = new Mode(Kind.PASS, Duration.ZERO);
        public static final Mode REFUSE = new Mode(Kind.REFUSE, Duration.ZERO);
        public static final Mode BLACKHOLE = new Mode(Kind.BLACKHOLE, Duration.ZERO);
        public static final Mode DROP = new Mode(Kind.DROP, Duration.ZERO);

        private final Kind kind;
        private final Duration delay;

        private Mode(Kind kind, Duration delay) {
            this.kind = kind;
            this.delay = delay;
        }

        /** Forward everything, each chunk {@code delay} late. */
        public static Mode delay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
            return new Mode(Kind.DELAY, delay);
        }

        boolean forwards() {
            return kind == Kind.PASS || kind == Kind.DELAY;
        }

        @Override
        public String toString() {
            return kind == Kind.DELAY ? "DELAY(" + delay + ")" : kind.name();
        }
    }

    private final String upstreamHost;
    /** Changes when the server behind moves ({@link #forwardTo}), as a load balancer's member does on restart. */
    private volatile int upstreamPort;
    private final int port;
    private final Object lock = new Object();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private ServerSocket listener;
    /** While refusing: holds the port without listening, so nothing else can bind it before it reopens. */
    private Socket reserved;
    private Mode mode = Mode.PASS;
    private boolean closed;

    private FaultProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = Objects.requireNonNull(upstreamHost, "upstreamHost");
        this.upstreamPort = upstreamPort;
        ServerSocket first = new ServerSocket();
        first.setReuseAddress(true);
        first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.port = first.getLocalPort();
        listen(first);
    }

    /** A proxy in {@link Mode#PASS} in front of {@code upstreamHost:upstreamPort}. */
    public static FaultProxy start(String upstreamHost, int upstreamPort) throws IOException {
        return new FaultProxy(upstreamHost, upstreamPort);
    }

    /** A proxy in front of the test JVM's PostgreSQL server. */
    public static FaultProxy inFrontOf(TestDatabase database) throws IOException {
        return start(database.host(), database.port());
    }

    /** Clients connect here ({@code 127.0.0.1}). */
    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code jdbcUrl} rewritten to go through this proxy. */
    public String wrap(String jdbcUrl) {
        return TestDatabase.withHostPort(jdbcUrl, host(), port);
    }

    /**
     * Sends new connections to another port of the same host from now on (a server restarted on a new port keeps
     * the address its clients know); connections already open stay with the old one.
     */
    public void forwardTo(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        upstreamPort = port;
        log.info("fault proxy :{} now forwards to {}:{}", this.port, upstreamHost, port);
    }

    /** How many connections the proxy has accepted so far. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Connections currently open through the proxy. */
    public int liveConnections() {
        return links.size();
    }

    public Mode mode() {
        synchronized (lock) {
            return mode;
        }
    }

    public void pass() {
        mode(Mode.PASS);
    }

    public void refuse() {
        mode(Mode.REFUSE);
    }

    public void blackhole() {
        mode(Mode.BLACKHOLE);
    }

    public void drop() {
        mode(Mode.DROP);
    }

    public void delay(Duration delay) {
        mode(Mode.delay(delay));
    }

    /** Switches the mode; takes effect at once for live connections too. */
    public void mode(Mode next) {
        Objects.requireNonNull(next, "next");
        ServerSocket toClose = null;
        boolean reopen = false;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("proxy is closed");
            }
            Mode previous = mode;
            mode = next;
            if (next == Mode.REFUSE && listener != null) {
                toClose = listener;
                listener = null;
            } else if (next != Mode.REFUSE && previous == Mode.REFUSE) {
                reopen = true;
            }
            lock.notifyAll();
        }
        log.info("fault proxy :{} -> {}", port, next);
        if (toClose != null) {
            closeQuietly(toClose);
            reserve();
        }
        if (reopen) {
            reopen();
        }
        if (next == Mode.DROP) {
            killAll();
        }
    }

    /** Resets every live connection now (RST), whatever the mode. */
    public void killAll() {
        for (Link link : new ArrayList<>(links)) {
            link.reset();
        }
    }

    /** Stops listening, resets every connection and waits for all proxy threads to end. */
    @Override
    public void close() {
        ServerSocket toClose;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = listener;
            listener = null;
            lock.notifyAll();
        }
        if (toClose != null) {
            closeQuietly(toClose);
        }
        releaseReservation();
        killAll();
        for (Thread thread : new ArrayList<>(threads)) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                log.warn("fault proxy thread {} did not end", thread.getName());
            }
        }
    }

    /** Binds the port without listening; the closed listener may hold it a moment longer (its accept thread). */
    private void reserve() {
        for (int attempt = 0; attempt < 100; attempt++) {
            Socket hold = new Socket();
            try {
                hold.setReuseAddress(true);
                hold.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                synchronized (lock) {
                    reserved = hold;
                }
                return;
            } catch (BindException e) {
                closeQuietly(hold);
                pause(Duration.ofMillis(10));
            } catch (IOException e) {
                closeQuietly(hold);
                break;
            }
        }
        log.warn("fault proxy :{} could not reserve its port while refusing", port);
    }

    private void releaseReservation() {
        Socket hold;
        synchronized (lock) {
            hold = reserved;
            reserved = null;
        }
        if (hold != null) {
            closeQuietly(hold);
        }
    }

    private void reopen() {
        releaseReservation();
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                ServerSocket again = new ServerSocket();
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                listen(again);
                return;
            } catch (BindException e) {
                last = e;
                pause(Duration.ofMillis(20));
            } catch (IOException e) {
                last = e;
                break;
            }
        }
        throw new IllegalStateException("could not listen on port " + port + " again", last);
    }

    private void listen(ServerSocket socket) {
        synchronized (lock) {
            if (closed) {
                closeQuietly(socket);
                return;
            }
            listener = socket;
        }
        spawn("accept", () -> acceptLoop(socket));
    }

    private void acceptLoop(ServerSocket socket) {
        while (true) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // listener closed: REFUSE or close()
            }
            accepted.incrementAndGet();
            Link link = new Link(client);
            links.add(link);
            spawn("conn", link::run);
        }
    }

    /** Blocks while the proxy is blackholed; returns the delay to apply, or null when the link must end. */
    private Duration awaitForwarding(Link link) {
        synchronized (lock) {
            while (!closed && !link.isReset() && mode == Mode.BLACKHOLE) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            if (closed || link.isReset() || mode.kind == Mode.Kind.DROP) {
                return null;
            }
            return mode.delay;
        }
    }

    private void spawn(String what, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, "fault-proxy-" + port + "-" + what + "-" + threadNumber.incrementAndGet());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            log.debug("close failed", e);
        }
    }

    /** One client connection and, once forwarding starts, its upstream connection. */
    private final class Link {
        private final Socket client;
        private volatile Socket upstream;
        private volatile boolean reset;

        Link(Socket client) {
            this.client = client;
        }

        boolean isReset() {
            return reset;
        }

        void run() {
            try {
                if (awaitForwarding(this) == null) {
                    reset();
                    return;
                }
                Socket server = new Socket();
                upstream = server;
                if (reset) {
                    reset();
                    return;
                }
                server.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                spawn("up", () -> pump(client, server));
                pump(server, client);
            } catch (IOException e) {
                log.debug("fault proxy link ended", e);
                reset();
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) != -1) {
                    Duration delay = awaitForwarding(this);
                    if (delay == null) {
                        reset();
                        return;
                    }
                    if (!delay.isZero()) {
                        pause(delay);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
                if (!to.isClosed()) {
                    to.shutdownOutput(); // pass the orderly end on (half-close)
                }
                endIfBothHalvesDone();
            } catch (SocketException | InterruptedIOException e) {
                reset();
            } catch (IOException e) {
                log.debug("fault proxy pump ended", e);
                reset();
            }
        }

        private int halvesDone;

        private synchronized void endIfBothHalvesDone() {
            if (++halvesDone == 2) {
                close();
            }
        }

        private void close() {
            links.remove(this);
            closeQuietly(client);
            Socket server = upstream;
            if (server != null) {
                closeQuietly(server);
            }
        }

        /** RST both sides (linger 0), so the peer sees "connection reset", not an orderly end. */
        void reset() {
            reset = true;
            links.remove(this);
            resetSocket(client);
            Socket server = upstream;
            if (server != null) {
                resetSocket(server);
            }
            synchronized (lock) {
                lock.notifyAll();
            }
        }

        private void resetSocket(Socket socket) {
            try {
                if (!socket.isClosed()) {
                    socket.setSoLinger(true, 0);
                }
            } catch (SocketException e) {
                log.debug("linger not set", e);
            }
            closeQuietly(socket);
        }
    }
}
