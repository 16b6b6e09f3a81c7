package dev.holdfast.spool;

import dev.holdfast.db.FailureClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * Operates on a spool directory from the command line, while the application is stopped (the journal's lock
 * file keeps the two apart):
 *
 * <pre>
 * java -cp 'holdfast-lib/*' dev.holdfast.spool.SpoolCommand list   /var/lib/holdfast/audit
 * java -cp 'holdfast-lib/*' dev.holdfast.spool.SpoolCommand export /var/lib/holdfast/audit &gt; pending.jsonl
 * java -cp 'holdfast-lib/*' dev.holdfast.spool.SpoolCommand replay /var/lib/holdfast/audit \
 *      --db-url jdbc:postgresql://db/app [--db-user u] [--db-password-file /run/secrets/pw]
 * </pre>
 *
 * {@code list} prints one line per pending statement (sequence, id, appended at, parameter count, SQL; no
 * values); {@code export} prints each as a JSON line with its values; {@code replay} applies them in order,
 * exactly once ({@link AppliedWrites}), moving refused ones to the dead letters, and stops at the first
 * connection failure. Exit status: 0 done, 1 usage or journal error, 2 the database could not be reached.
 */
public final class SpoolCommand {
    private static final String USAGE = String.join("\n",
            "usage: SpoolCommand list   <spool directory>",
            "       SpoolCommand export <spool directory>",
            "       SpoolCommand replay <spool directory> --db-url <jdbc url> [--db-user <user>]"
                    + " [--db-password <password> | --db-password-file <file>]");
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
            switch (args[0]) {
                case "list":
                    return args.length == 2 ? list(directory) : usage();
                case "export":
                    return args.length == 2 ? export(directory) : usage();
                case "replay":
                    return replay(directory, args);
                default:
                    return usage();
            }
        } catch (IOException e) {
            err.println("holdfast: " + e.getMessage());
            return 1;
        }
    }

    private int usage() {
        err.println(USAGE);
        return 1;
    }

    private static Journal open(Path directory) throws IOException {
        return Journal.open(directory, Long.MAX_VALUE / 2);
    }

    private int list(Path directory) throws IOException {
        try (Journal journal = open(directory)) {
            journal.forEachPending(record -> {
                String what;
                try {
                    SpooledStatement statement = SpooledStatement.decode(record.payload());
                    what = statement.parameterCount() + " params  " + statement.sql();
                } catch (SQLException e) {
                    what = "unreadable: " + e.getMessage();
                }
                out.println(record.sequence() + "  " + record.id() + "  " + record.appendedAt() + "  " + what);
            });
            out.println(journal.depth() + " pending, " + journal.deadLetterCount() + " dead letters");
        }
        return 0;
    }

    private int export(Path directory) throws IOException {
        try (Journal journal = open(directory)) {
            journal.forEachPending(record -> {
                String statement;
                try {
                    statement = SpooledStatement.decode(record.payload()).toJson();
                } catch (SQLException e) {
                    statement = "null";
                }
                out.println("{\"sequence\":" + record.sequence() + ",\"id\":" + Json.quote(record.id().toString())
                        + ",\"appendedAt\":" + Json.quote(record.appendedAt().toString())
                        + ",\"statement\":" + statement + "}");
            });
        }
        return 0;
    }

    private int replay(Path directory, String[] args) throws IOException {
        String url = null;
        Properties properties = new Properties();
        for (int i = 2; i < args.length; i++) {
            if (i + 1 >= args.length) {
                return usage();
            }
            String value = args[++i];
            switch (args[i - 1]) {
                case "--db-url": url = value; break;
                case "--db-user": properties.setProperty("user", value); break;
                case "--db-password": properties.setProperty("password", value); break;
                case "--db-password-file":
                    properties.setProperty("password",
                            new String(Files.readAllBytes(Paths.get(value)), StandardCharsets.UTF_8).trim());
                    break;
                default: return usage();
            }
        }
        if (url == null) {
            return usage();
        }
        properties.putIfAbsent("connectTimeout", "5");
        properties.putIfAbsent("loginTimeout", "10");
        properties.putIfAbsent("socketTimeout", "30");
        long applied = 0;
        long already = 0;
        long dead = 0;
        try (Journal journal = open(directory); Connection connection = DriverManager.getConnection(url, properties)) {
            while (true) {
                List<JournalRecord> batch = journal.readPending(BATCH);
                if (batch.isEmpty()) {
                    break;
                }
                long done = 0;
                for (JournalRecord record : batch) {
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
            out.println("applied " + applied + ", already applied " + already + ", dead-lettered " + dead);
            return 0;
        } catch (SQLException e) {
            err.println("holdfast: cannot connect to the database (SQLState " + e.getSQLState() + "): " + e.getMessage());
            return 2;
        }
    }
}
