package dev.holdfast.fleet;

import dev.holdfast.password.HashPolicy;
import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.FaultProxy;
import dev.holdfast.testing.TestDatabase;
import dev.holdfast.testing.TestSecrets;
import dev.holdfast.testing.TomcatProcess;
import dev.holdfast.testing.Wars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Several Holdfast nodes, each its own Tomcat JVM, on one PostgreSQL reached through one {@link FaultProxy}.
 * Issuers run the built WAR with a JWK Set file ({@code holdfast.jwt.keys}); verify-only nodes run an
 * application protected by {@code JwtAuthFilter} alone, following an issuer's {@code /.well-known/jwks.json}.
 * Settings reach the JVMs as an admin gives them: system properties, and environment variables for secrets
 * and URLs. {@link #close()} stops every JVM, passed or failed; their logs stay in {@code target/fleet/<name>/}.
 */
final class Fleet implements AutoCloseable {
    /** Tokens live the shortest {@code jwt.ttl} allowed, and no skew is granted: a key rotation is over in a minute. */
    static final String TTL = "PT1M";
    static final String CLOCK_SKEW = "PT0S";
    /** Cost 4: a login costs milliseconds, so a test can log in often on a busy machine. */
    private static final PasswordVerifier CHEAP_HASHES = new PasswordVerifier(HashPolicy.DEFAULT.withBcryptCost(4));

    private final TestDatabase database = TestDatabase.shared();
    private final String jdbcUrl;
    private final FaultProxy postgres;
    private final Path work;
    private final Path logs;
    private final List<FleetNode> nodes = new ArrayList<>();

    private Fleet(String name) throws IOException {
        this.jdbcUrl = database.createDatabaseWithSchema("fleet");
        this.postgres = FaultProxy.inFrontOf(database);
        this.work = Files.createTempDirectory("holdfast-fleet");
        this.logs = Paths.get("target", "fleet", name).toAbsolutePath();
        deleteRecursively(logs);
    }

    /** A fleet with no node yet; its nodes' logs go to {@code target/fleet/<name>/}. */
    static Fleet named(String name) throws IOException {
        return new Fleet(name);
    }

    FaultProxy postgres() {
        return postgres;
    }

    /** A directory of this fleet's own, deleted at close (key files, spools). */
    Path work() {
        return work;
    }

    void addUser(String username, String password, String roles) {
        database.insertUser(jdbcUrl, username, CHEAP_HASHES.hash(password.toCharArray()), roles, true);
    }

    /**
     * A node running {@code holdfast.war} that signs with the JWK Set in {@code keysFile}, read again at each
     * start; {@code settings} are added as system properties (e.g. {@code holdfast.shared.redisUrl}).
     */
    FleetNode issuer(String name, Path keysFile, Map<String, String> settings) throws IOException {
        Path spools = Files.createDirectories(work.resolve(name));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("holdfast.jwt.keys", keysFile.toString());
        properties.put("holdfast.jwt.ttl", TTL);
        properties.put("holdfast.jwt.clockSkew", CLOCK_SKEW);
        properties.put("holdfast.password.bcryptCost", "4");
        // A cold JVM's first query on a machine this busy can outlast the default 1 s + 2 s deadline.
        properties.put("holdfast.db.maxWait", "PT5S");
        properties.put("holdfast.db.queryTimeout", "PT10S");
        properties.put("holdfast.audit.spool", spools.resolve("audit").toString());
        properties.put("holdfast.writes.spool", spools.resolve("writes").toString());
        properties.putAll(settings);
        String dbUrl = postgres.wrap(jdbcUrl);
        return add(new FleetNode(name, () -> {
            TomcatProcess.Builder tomcat = TomcatProcess.builder(TomcatProcess.tomcat10Home())
                    .context(TomcatProcess.context("", Wars.builtWar()))
                    .environment("HOLDFAST_DB_URL", dbUrl)
                    .environment("HOLDFAST_SPOOL_KEY", TestSecrets.journalSecretSetting());
            properties.forEach(tomcat::systemProperty);
            return tomcat;
        }, "/app/index.jsp", logs));
    }

    /**
     * A node whose only Holdfast part is {@code JwtAuthFilter}, verifying with the keys {@code jwksFrom} publishes;
     * {@code settings} are added as system properties.
     */
    FleetNode verifier(String name, FleetNode jwksFrom, Map<String, String> settings) throws IOException {
        Path app = VerifyOnlyApp.create(work.resolve(name + "-app"));
        String jwksUrl = jwksFrom.uri("/.well-known/jwks.json").toString();
        return add(new FleetNode(name, () -> {
            TomcatProcess.Builder tomcat = TomcatProcess.builder(TomcatProcess.tomcat10Home())
                    .context(TomcatProcess.context("", app))
                    .environment("HOLDFAST_JWT_JWKSURL", jwksUrl)
                    .systemProperty("holdfast.jwt.clockSkew", CLOCK_SKEW);
            settings.forEach(tomcat::systemProperty);
            return tomcat;
        }, VerifyOnlyApp.PROTECTED_PATH, logs));
    }

    /** Starts the nodes side by side (a JVM start is mostly waiting) and returns once all have deployed. */
    void start(FleetNode... toStart) throws InterruptedException {
        ExecutorService starting = Executors.newFixedThreadPool(toStart.length);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (FleetNode node : toStart) {
                started.add(starting.submit(node::start));
            }
            for (Future<?> future : started) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a node did not start", e.getCause());
        } finally {
            starting.shutdownNow();
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (FleetNode node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        postgres.close();
        deleteRecursively(work);
        if (first != null) {
            throw first;
        }
    }

    private FleetNode add(FleetNode node) {
        nodes.add(node);
        return node;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
