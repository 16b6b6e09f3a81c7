package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.AppClient;
import dev.holdfast.testing.EmbeddedTomcat;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.HoldfastMBeans;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.core.JreMemoryLeakPreventionListener;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.ThreadLocalLeakPreventionListener;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The built WAR deployed, used and undeployed ten times in one real Tomcat 10.1, as an admin's redeploys
 * would: each deploy must work, and each undeploy must leave nothing behind. "Nothing" is checked four
 * ways: no {@code holdfast-*} thread (and no thread at all carrying the application's class loader) is
 * alive, no MBean of the {@code holdfast} domain is left (the meters, {@code holdfast.metrics.jmx}), Tomcat's
 * class loader logs no leak warning (threads, ThreadLocals, JDBC drivers), and after a GC the application's
 * class loader is gone, which {@link StandardHost#findReloadedContextMemoryLeaks()} confirms.
 *
 * <p>Settings: the database (main and emergency pools, both owned by the application), the key and the spool
 * directories; once more with {@code holdfast.cache.dir}, which adds Ehcache's disk tier.
 *
 * <p>A JDBC driver left registered by the application would show twice: Tomcat's warning "registered the JDBC
 * driver ... but failed to unregister it", and the class loader staying reachable from DriverManager.
 */
class RedeployIT {
    private static final int REDEPLOYS = 10;
    private static final String CONTEXT_PATH = "/holdfast";
    private static final Duration SETTLE = Duration.ofSeconds(10);

    /*
     * Tomcat's class loader reports leaks (threads, ThreadLocals, JDBC drivers) as WARN/ERROR on this logger.
     * On this test classpath JULI is routed to SLF4J (Jetty's apache-jsp provides a JULI Log), so the
     * records are caught in logback.
     */
    private static final ch.qos.logback.classic.Logger classLoaderLog = (ch.qos.logback.classic.Logger)
            LoggerFactory.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");
    private static final List<String> classLoaderWarnings = Collections.synchronizedList(new ArrayList<>());
    private static final AppenderBase<ILoggingEvent> warningsAppender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            // The JVM lacking --add-opens is about the JVM's flags, not a leak of ours.
            if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)
                    && !event.getFormattedMessage().contains("--add-opens")) {
                classLoaderWarnings.add(event.getFormattedMessage());
            }
        }
    };

    private static Tomcat tomcat;
    private static Path baseDir;
    private static FaultProxy proxy;
    private static Map<String, String> settings;
    private static final AppClient app = new AppClient(RedeployIT::uri);

    @BeforeAll
    static void startTomcat() throws IOException, LifecycleException {
        warningsAppender.setContext(classLoaderLog.getLoggerContext());
        warningsAppender.start();
        classLoaderLog.addAppender(warningsAppender);
        TestDatabase database = TestDatabase.shared();
        String url = database.createDatabaseWithSchema("redeploy");
        database.insertUser(url, "alice", new PasswordVerifier().hash("alice-password".toCharArray()), "user,admin", true);
        proxy = FaultProxy.inFrontOf(database);
        baseDir = Files.createTempDirectory("holdfast-redeploy");
        // Both pools the application owns (main and emergency), so both are built and closed every time.
        settings = Map.of(
                "holdfast.jwt.secret", TestSecrets.hmacSetting(),
                "holdfast.db.url", proxy.wrap(url),
                "holdfast.emergency.enabled", "true",
                "holdfast.audit.spool", baseDir.resolve("audit").toString(),
                "holdfast.writes.spool", baseDir.resolve("writes").toString(),
                // metrics are on by default; their MBeans too here, so each undeploy must unregister them
                "holdfast.metrics.jmx", "true");

        tomcat = EmbeddedTomcat.server(baseDir);
        // As the stock conf/server.xml does: JDK singletons are created outside any application, so the
        // first application to touch them is not blamed (and pinned) for them.
        tomcat.getServer().addLifecycleListener(new JreMemoryLeakPreventionListener());
        tomcat.getServer().addLifecycleListener(new ThreadLocalLeakPreventionListener());
        tomcat.start();
    }

    @AfterAll
    static void stopTomcat() throws LifecycleException, IOException {
        classLoaderLog.detachAppender(warningsAppender);
        try {
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            if (baseDir != null) {
                try (Stream<Path> paths = Files.walk(baseDir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    @Test
    void redeploysTenTimesInARowAndLeavesNothingBehind() throws Exception {
        redeploy(REDEPLOYS, settings);
    }

    /** The disk tier (Ehcache persistence) is opened and closed with the application too. */
    @Test
    void redeploysWithTheCredentialTierOnDiskAndLeavesNothingBehind() throws Exception {
        Map<String, String> withDisk = new java.util.HashMap<>(settings);
        withDisk.put("holdfast.cache.dir", baseDir.resolve("credential-tier").toString());
        redeploy(3, withDisk);
    }

    /**
     * Shared state on the real Redis at 127.0.0.1:6379: its subscriber and keeper threads, its connections and
     * the Redis client's classes all go with the application.
     */
    @Test
    void redeploysWithSharedStateOnRedisAndLeavesNothingBehind() throws Exception {
        Map<String, String> withRedis = new java.util.HashMap<>(settings);
        withRedis.put("holdfast.shared.redisUrl", "redis://127.0.0.1:6379");
        withRedis.put("holdfast.shared.namespace", "test-redeploy-" + java.util.UUID.randomUUID());
        redeploy(3, withRedis);
    }

    private static void redeploy(int rounds, Map<String, String> settings) throws Exception {
        StandardHost host = (StandardHost) tomcat.getHost();
        for (int round = 1; round <= rounds; round++) {
            StandardContext context = deploy(host, settings);
            assertTrue(context.getState().isAvailable(), "round " + round + ": the application did not start");
            WeakReference<ClassLoader> loader = new WeakReference<>(context.getLoader().getClassLoader());

            HttpResponse<String> login = app.jsonLogin("alice", "alice-password");
            assertEquals(200, login.statusCode(), "round " + round + ": " + login.body());
            String token = AppClient.token(login);
            HttpResponse<String> page = app.send(app.get("/app/").header("Authorization", "Bearer " + token));
            assertEquals(200, page.statusCode(), "round " + round);
            assertFalse(HoldfastMBeans.all().isEmpty(), "round " + round + ": the meters are MBeans");

            host.removeChild(context); // stops and destroys the context, as an undeploy does
            context = null;

            assertNoApplicationThreads(round, loader);
            assertEquals(Set.of(), HoldfastMBeans.all(), "round " + round + ": MBeans left after undeploy");
            assertEquals(List.of(), List.copyOf(classLoaderWarnings), "round " + round + ": Tomcat's class loader warned");
            assertClassLoaderCollected(round, loader);
            assertEquals(List.of(), List.of(host.findReloadedContextMemoryLeaks()), "round " + round + ": Tomcat's findReloadedContextMemoryLeaks()");
        }
    }

    private static StandardContext deploy(Host host, Map<String, String> settings) {
        StandardContext context = new StandardContext();
        context.setName(CONTEXT_PATH);
        context.setPath(CONTEXT_PATH);
        context.setDocBase(warPath().toString());
        context.addLifecycleListener(tomcat.getDefaultWebXmlListener());
        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(tomcat.noDefaultWebXmlPath());
        context.addLifecycleListener(config);
        EmbeddedTomcat.configure(context, settings);
        host.addChild(context); // the host is started, so this starts the application
        return context;
    }

    private static Path warPath() {
        String configured = System.getProperty("test.holdfast.war");
        return (configured == null ? Paths.get("target", "holdfast.war") : Paths.get(configured)).toAbsolutePath();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + CONTEXT_PATH + path);
    }

    /** Threads may take a moment to end after they were told to; none may outlive that moment. */
    private static void assertNoApplicationThreads(int round, WeakReference<ClassLoader> loader) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<String> left;
        do {
            ClassLoader application = loader.get();
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(Thread::isAlive)
                    .filter(t -> t.getName().startsWith("holdfast-")
                            || (application != null && t.getContextClassLoader() == application))
                    .map(Thread::getName)
                    .sorted()
                    .collect(Collectors.toList());
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("round " + round + ": threads still alive after undeploy: " + left);
    }

    private static void assertClassLoaderCollected(int round, WeakReference<ClassLoader> loader) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (loader.get() != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("round " + round + ": the application's class loader is still reachable after GC;"
                        + " live threads: " + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted()
                        .collect(Collectors.toList()));
            }
            System.gc();
            Thread.sleep(50);
        }
    }
}
