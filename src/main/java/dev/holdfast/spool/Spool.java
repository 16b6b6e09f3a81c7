package dev.holdfast.spool;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link Journal} of {@link SpooledStatement}s and the {@link Replayer} that applies them, exactly once
 * ({@link AppliedWrites}), through a {@link GuardedDatabase}: what the audit log and critical writes each
 * build on. One directory, one spool, one replay thread.
 */
public final class Spool implements AutoCloseable {
    /** Back-off after the database could not answer: first wait, doubled up to {@link #MAX_BACKOFF}. */
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String name;
    private final Journal journal;
    private final Replayer replayer;

    private Spool(String name, Journal journal, Replayer replayer) {
        this.name = name;
        this.journal = journal;
        this.replayer = replayer;
    }

    /**
     * Opens the journal in {@code directory} (at most {@code maxBytes}, records sealed under {@code key}) and
     * starts replaying it.
     *
     * @throws dev.holdfast.files.UnsafeDirectoryException when the directory is not the application user's alone
     */
    public static Spool open(String name, Path directory, long maxBytes, JournalKey key, GuardedDatabase database)
            throws IOException {
        return open(name, Journal.open(directory, maxBytes, key), database, FIRST_BACKOFF, MAX_BACKOFF);
    }

    /** Starts replaying an opened journal; the spool owns and closes it. */
    public static Spool open(String name, Journal journal, GuardedDatabase database, Duration firstBackoff,
                             Duration maxBackoff) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(database, "database");
        // The replayer hands over authentic records only; it dead-letters the others itself.
        Replayer replayer = Replayer.start(name, journal, record -> {
            SpooledStatement statement = SpooledStatement.decode(record.payload());
            database.call(connection -> AppliedWrites.applyOnce(connection, record.id(), statement));
        }, firstBackoff, maxBackoff);
        return new Spool(name, journal, replayer);
    }

    /**
     * Appends {@code statement} under {@code id} (durable on return) for the replayer to apply.
     *
     * @throws JournalFullException when the journal holds {@code maxBytes} already
     */
    public JournalRecord append(UUID id, SpooledStatement statement) throws IOException, JournalFullException {
        Objects.requireNonNull(statement, "statement");
        JournalRecord record = journal.append(id, statement.encode());
        replayer.appended();
        return record;
    }

    /** Statements spooled and not yet applied or dead-lettered. */
    public long depth() {
        return journal.depth();
    }

    public Optional<Instant> oldestPending() {
        return journal.oldestPending();
    }

    public long deadLetterCount() {
        return journal.deadLetterCount();
    }

    /** Dead letters that failed authentication: records edited on disk or sealed under another key. */
    public long rejectedCount() {
        return journal.rejectedCount();
    }

    /** Try replaying now, cutting short any back-off. */
    public void replayNow() {
        replayer.replayNow();
    }

    public String name() {
        return name;
    }

    /** What health reports. */
    public Snapshot snapshot() {
        return new Snapshot(journal.depth(), journal.oldestPending(), journal.deadLetterCount(), journal.usedBytes(),
                journal.maxBytes(), replayer.waitingFor(), replayer.appliedCount(), journal.rejectedCount());
    }

    /** Stops the replay thread, then closes the journal; pending statements stay for the next start. */
    @Override
    public void close() throws IOException {
        try {
            replayer.close();
        } finally {
            journal.close();
        }
    }

    /** A consistent-enough view for health and metrics. */
    public static final class Snapshot {
        private final long depth;
        private final Optional<Instant> oldestPending;
        private final long deadLetters;
        private final long usedBytes;
        private final long maxBytes;
        private final Optional<DatabaseUnavailableException.Reason> waitingFor;
        private final long replayed;
        private final long rejected;

        Snapshot(long depth, Optional<Instant> oldestPending, long deadLetters, long usedBytes, long maxBytes,
                 Optional<DatabaseUnavailableException.Reason> waitingFor, long replayed, long rejected) {
            this.depth = depth;
            this.oldestPending = oldestPending;
            this.deadLetters = deadLetters;
            this.usedBytes = usedBytes;
            this.maxBytes = maxBytes;
            this.waitingFor = waitingFor;
            this.replayed = replayed;
            this.rejected = rejected;
        }

        public long depth() {
            return depth;
        }

        public Optional<Instant> oldestPending() {
            return oldestPending;
        }

        public long deadLetters() {
            return deadLetters;
        }

        public long usedBytes() {
            return usedBytes;
        }

        public long maxBytes() {
            return maxBytes;
        }

        /** Why replay is waiting for the database; empty while it is not. */
        public Optional<DatabaseUnavailableException.Reason> waitingFor() {
            return waitingFor;
        }

        /** Statements replayed since start. */
        public long replayed() {
            return replayed;
        }

        /**
         * Of {@link #deadLetters()}, the records that failed authentication (edited on disk, or sealed under another
         * key): never replayed. Anything above 0 deserves a look.
         */
        public long rejected() {
            return rejected;
        }

        /**
         * Writes {@code {"depth":..,"oldestPending":..|null,"deadLetters":..,"usedBytes":..,"maxBytes":..,
         * "waitingFor":..|null,"replayed":..,"rejected":..}} to {@code json}.
         */
        public void writeTo(JsonGenerator json) throws IOException {
            json.writeStartObject();
            json.writeNumberField("depth", depth);
            if (oldestPending.isPresent()) {
                json.writeStringField("oldestPending", oldestPending.get().toString());
            } else {
                json.writeNullField("oldestPending");
            }
            json.writeNumberField("deadLetters", deadLetters);
            json.writeNumberField("usedBytes", usedBytes);
            json.writeNumberField("maxBytes", maxBytes);
            if (waitingFor.isPresent()) {
                json.writeStringField("waitingFor", waitingFor.get().name());
            } else {
                json.writeNullField("waitingFor");
            }
            json.writeNumberField("replayed", replayed);
            json.writeNumberField("rejected", rejected);
            json.writeEndObject();
        }

        /** What {@link #writeTo} writes, as a string. */
        public String toJson() {
            return Json.write(this::writeTo);
        }

        @Override
        public String toString() {
            return "Spool.Snapshot" + toJson();
        }
    }
}
