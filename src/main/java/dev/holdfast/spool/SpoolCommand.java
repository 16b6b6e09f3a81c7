package dev.holdfast.spool;

import dev.holdfast.db.FailureClassifier;
import dev.holdfast.json.Json;
import dev.holdfast.token.Keys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Operates on a spool directory from the command line, while the application is stopped (the journal's lock
 * file keeps the two apart):
 *
 * <pre>
 * java -cp 'holdfast-lib/*' dev.holdfast.spool.SpoolCommand list   /var/lib/holdfast/audit --key-file /run/secrets/spool
 * java -cp 'holdfast-lib/*' dev.holdfast.spool.SpoolCommand export /var/lib/holdfast/audit --key-file ... &gt; pending.jsonl
 * java -cp 'holdfast-lib/*' dev.holdfast.spool.SpoolCommand replay /var/lib/holdfast/audit --key-file ... \
 *      --db-url jdbc:postgresql://db/app [--db-user u] [--db-password-file /run/secrets/pw]
 * </pre>
 *
 * The key is the application's: {@code --key-file} with the value of {@code holdfast.spool.key}, or, when that
 * is not set, {@code --jwt-secret-file} with the value of {@code holdfast.jwt.secret} or {@code --jwt-keys} with
 * the {@code holdfast.jwt.keys} file. Records that fail authentication are marked in {@code list} and
 * {@code export} and dead-lettered, never applied, by {@code replay}.
 *
 * <p>{@code list} prints one line per pending statement (sequence, id, appended at, parameter count, SQL; no
 * values); {@code export} prints each as a JSON line with its values; {@code replay} applies them in order,
 * exactly once ({@link AppliedWrites}), moving refused ones to the dead letters, and stops at the first
 * connection failure. Exit status: 0 done, 1 usage or journal error, 2 the database could not be reached.
 */
public final class SpoolCommand {
    private static final String USAGE = String.join("\n",
            "usage: SpoolCommand list   <spool directory> <key>",
            "       SpoolCommand export <spool directory> <key>",
            "       SpoolCommand replay <spool directory> <key> --db-url <jdbc url> [--db-user <user>]"
                    + " [--db-password <password> | --db-password-file <file>]",
            "<key>: --key-file <file holding holdfast.spool.key> | --jwt-secret-file <file holding holdfast.jwt.secret>"
                    + " | --jwt-keys <the holdfast.jwt.keys file>");
    private static final int BATCH = 256;

    private final PrintStream out;
    private final PrintStream err;

    SpoolCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new SpoolCommand(System.out, System.err).run(args));
    }

    /** The command line after the directory: the key and, for replay, the database. */
    private static final class Options {
        Optional<JournalKey> key = Optional.empty();
        Optional<String> url = Optional.empty();
        final Properties properties = new Properties();
    }

    int run(String[] args) {
        if (args.length < 2) {
            err.println(USAGE);
            return 1;
        }
        Path directory = Paths.get(args[1]);
        if (!Files.isDirectory(directory)) {
            err.println("holdfast: spool directory " + directory + " does not exist");
            return 1;
        }
        try {
            Optional<Options> options = options(args);
            if (options.isEmpty() || options.get().key.isEmpty()) {
                return usage();
            }
            JournalKey key = options.get().key.get();
            switch (args[0]) {
                case "list":
                    return options.get().url.isEmpty() ? list(directory, key) : usage();
                case "export":
                    return options.get().url.isEmpty() ? export(directory, key) : usage();
                case "replay":
                    return options.get().url.isPresent() ? replay(directory, key, options.get()) : usage();
                default:
                    return usage();
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("holdfast: " + e.getMessage());
            return 1;
        }
    }

    private static Optional<Options> options(String[] args) throws IOException {
        Options options = new Options();
        for (int i = 2; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                return Optional.empty();
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--key-file": options.key = Optional.of(JournalKey.derive(secret(read(value)))); break;
                case "--jwt-secret-file":
                    options.key = Optional.of(JournalKey.derive(
                            Keys.hmac(secret(read(value))).deriveSubkey(JournalKey.SUBKEY_PURPOSE)));
                    break;
                case "--jwt-keys":
                    options.key = Optional.of(JournalKey.derive(
                            Keys.fromJwkSet(read(value)).deriveSubkey(JournalKey.SUBKEY_PURPOSE)));
                    break;
                case "--db-url": options.url = Optional.of(value); break;
                case "--db-user": options.properties.setProperty("user", value); break;
                case "--db-password": options.properties.setProperty("password", value); break;
                case "--db-password-file": options.properties.setProperty("password", read(value)); break;
                default: return Optional.empty();
            }
        }
        return Optional.of(options);
    }

    private static String read(String file) throws IOException {
        return new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8).trim();
    }

    /** A secret as the settings write it: text, or {@code base64:} and the bytes in Base64. */
    private static byte[] secret(String text) {
        return text.startsWith("base64:") ? Base64.getDecoder().decode(text.substring("base64:".length()))
                : text.getBytes(StandardCharsets.UTF_8);
    }

    private int usage() {
        err.println(USAGE);
        return 1;
    }

    private static Journal open(Path directory, JournalKey key) throws IOException {
        return Journal.open(directory, Long.MAX_VALUE / 2, key);
    }

    private int list(Path directory, JournalKey key) throws IOException {
        try (Journal journal = open(directory, key)) {
            journal.forEachPending(record -> {
                String what;
                try {
                    SpooledStatement statement = SpooledStatement.decode(record.payload());
                    what = statement.parameterCount() + " params  " + statement.sql();
                } catch (SQLException e) {
                    what = "unreadable: " + e.getMessage();
                }
                String rejected = record.isAuthentic() ? ""
                        : "NOT AUTHENTIC (" + record.authenticity().description() + ")  ";
                out.println(record.sequence() + "  " + record.id() + "  " + record.appendedAt() + "  " + rejected + what);
            });
            out.println(journal.depth() + " pending, " + journal.deadLetterCount() + " dead letters");
        }
        return 0;
    }

    private int export(Path directory, JournalKey key) throws IOException {
        try (Journal journal = open(directory, key)) {
            journal.forEachPending(record -> {
                out.println(Json.write(json -> {
                    json.writeStartObject();
                    json.writeNumberField("sequence", record.sequence());
                    json.writeStringField("id", record.id().toString());
                    json.writeStringField("appendedAt", record.appendedAt().toString());
                    if (!record.isAuthentic()) {
                        json.writeStringField("notAuthentic", record.authenticity().description());
                    }
                    json.writeFieldName("statement");
                    try {
                        SpooledStatement.decode(record.payload()).writeTo(json);
                    } catch (SQLException e) {
                        json.writeNull();
                    }
                    json.writeEndObject();
                }));
            });
        }
        return 0;
    }

    private int replay(Path directory, JournalKey key, Options options) throws IOException {
        Properties properties = options.properties;
        properties.putIfAbsent("connectTimeout", "5");
        properties.putIfAbsent("loginTimeout", "10");
        properties.putIfAbsent("socketTimeout", "30");
        long applied = 0;
        long already = 0;
        long dead = 0;
        long rejected = 0;
        try (Journal journal = open(directory, key);
             Connection connection = DriverManager.getConnection(options.url.get(), properties)) {
            while (true) {
                List<JournalRecord> batch = journal.readPending(BATCH);
                if (batch.isEmpty()) {
                    break;
                }
                long done = 0;
                for (JournalRecord record : batch) {
                    if (!record.isAuthentic()) {
                        journal.reject(record);
                        rejected++;
                        done = record.sequence();
                        continue;
                    }
                    try {
                        SpooledStatement statement = SpooledStatement.decode(record.payload());
                        if (AppliedWrites.applyOnce(connection, record.id(), statement).alreadyApplied()) {
                            already++;
                        } else {
                            applied++;
                        }
                        done = record.sequence();
                    } catch (SQLException e) {
                        if (FailureClassifier.unavailability(e).isPresent()) {
                            journal.acknowledge(done);
                            err.println("holdfast: database connection failed at record " + record.sequence()
                                    + " (SQLState " + e.getSQLState() + "); applied " + applied + ", "
                                    + journal.depth() + " still pending");
                            return 2;
                        }
                        journal.deadLetter(record, e.getSQLState(), e.getMessage());
                        dead++;
                        done = record.sequence();
                    }
                }
                journal.acknowledge(done);
            }
            List<String> summary = new ArrayList<>(List.of("applied " + applied, "already applied " + already,
                    "dead-lettered " + dead));
            if (rejected > 0) {
                summary.add("rejected as not authentic " + rejected);
            }
            out.println(String.join(", ", summary));
            return 0;
        } catch (SQLException e) {
            err.println("holdfast: cannot connect to the database (SQLState " + e.getSQLState() + "): " + e.getMessage());
            return 2;
        }
    }
}
