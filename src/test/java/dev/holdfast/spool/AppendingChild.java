package dev.holdfast.spool;

import java.nio.file.Paths;

/**
 * Run in a forked JVM by {@link SpoolKillIT}: appends spooled inserts of 0, 1, 2, ... to the journal in
 * {@code args[0]} as fast as it can and prints {@code appended <n>} after each append has returned (so is
 * durable), until the parent kills it with {@code kill -9}.
 */
public final class AppendingChild {
    private AppendingChild() {
    }

    public static void main(String[] args) throws Exception {
        Journal journal = Journal.open(Paths.get(args[0]), 64L * 1024 * 1024, 64 * 1024, java.time.Clock.systemUTC());
        for (int n = 0; ; n++) {
            journal.append(SpooledStatement.of("INSERT INTO killed (n) VALUES (?)", n).encode());
            System.out.println("appended " + n);
            System.out.flush();
        }
    }
}
