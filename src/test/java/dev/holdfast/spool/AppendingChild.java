package dev.holdfast.spool;

import dev.holdfast.testing.TestSecrets;
import java.nio.file.Paths;

/**
 * Run in a forked JVM by {@link SpoolKillIT}: appends spooled inserts of 0, 1, 2, ... to the journal in
 * {@code args[0]}, sealed under the key of the secret in {@value #SECRET_VARIABLE}, as fast as it can and prints {@code appended <n>} after each append has returned (so is
 * durable), until the parent kills it with {@code kill -9}.
 */
public final class AppendingChild {
    /** The environment variable that carries the parent's journal secret (not an argument: ps shows those). */
    static final String SECRET_VARIABLE = "HOLDFAST_TEST_JOURNAL_SECRET";

    private AppendingChild() {
    }

    public static void main(String[] args) throws Exception {
        Journal journal = Journal.open(Paths.get(args[0]), 64L * 1024 * 1024, 64 * 1024, java.time.Clock.systemUTC(), TestSecrets.journalKey(System.getenv(SECRET_VARIABLE)));
        for (int n = 0; ; n++) {
            journal.append(SpooledStatement.of("INSERT INTO killed (n) VALUES (?)", n).encode());
            System.out.println("appended " + n);
            System.out.flush();
        }
    }
}
