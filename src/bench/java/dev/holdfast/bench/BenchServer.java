package dev.holdfast.bench;

import dev.holdfast.password.PasswordVerifier;
import dev.holdfast.testing.EmbeddedJetty;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The built WAR in embedded Jetty 12 for {@code bench/wrk.sh}: a fresh database {@value #DATABASE} on the local
 * PostgreSQL (dropped and created again, default schema, one user {@value #USER}), an HMAC secret, and the
 * port written to the file named by the first argument once the server answers. Runs until killed.
 */
public final class BenchServer {

    static final String DATABASE = "holdfast_bench";
    static final String USER = "bench";
    static final String PASSWORD = "bench-password-not-secret";
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    private BenchServer() {
    }

    public static void main(String[] args) throws IOException, SQLException, InterruptedException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BenchServer <file to write the port to>");
        }
        Path portFile = Path.of(args[0]);
        freshDatabase();
        // own spool directories: the defaults under java.io.tmpdir may be held by another Holdfast on this machine
        Path spool = Files.createTempDirectory("holdfast-bench-spool");
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("holdfast.jwt.secret", "wrk-bench-secret-0123456789abcdefghijklmnop");
        parameters.put("holdfast.db.url", SERVER + DATABASE);
        parameters.put("holdfast.db.user", "postgres");
        parameters.put("holdfast.audit.spool", spool.resolve("audit").toString());
        parameters.put("holdfast.writes.spool", spool.resolve("writes").toString());
        EmbeddedJetty jetty = EmbeddedJetty.builder().war(Path.of("target/holdfast.war")).contextParameters(parameters).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            jetty.close();
            stopped.countDown();
        }, "bench-server-stop"));
        Files.writeString(portFile, Integer.toString(jetty.port()), StandardCharsets.US_ASCII);
        System.out.println("holdfast bench server on http://127.0.0.1:" + jetty.port() + "/");
        stopped.await();
    }

    private static void freshDatabase() throws IOException, SQLException {
        try (Connection admin = DriverManager.getConnection(SERVER + "test", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        String schema;
        try (InputStream in = BenchServer.class.getResourceAsStream("/db/postgresql.sql")) {
            if (in == null) {
                throw new IOException("db/postgresql.sql is not on the class path (run mvn -Pbench package first)");
            }
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String hash = new PasswordVerifier().hash(PASSWORD.toCharArray());
        try (Connection db = DriverManager.getConnection(SERVER + DATABASE, "postgres", "")) {
            try (Statement statement = db.createStatement()) {
                statement.execute(schema); // pgjdbc runs several statements in one simple query
            }
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO users (username, password_hash, roles) VALUES (?, ?, 'user')")) {
                insert.setString(1, USER);
                insert.setString(2, hash);
                insert.executeUpdate();
            }
        }
    }
}
