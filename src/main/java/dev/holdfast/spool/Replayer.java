package dev.holdfast.spool;

import dev.holdfast.db.DatabaseUnavailableException;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread ({@code holdfast-spool-<name>}) that applies a journal's pending records in order:
 * <ul>
 *   <li>not authentic (its MAC does not check, or it was sealed under another key): never applied; it moves to
 *       the dead letters ({@link Journal#reject}) with an ERROR naming its sequence and id;</li>
 *   <li>applied: acknowledged (in batches; a crash before the acknowledgement replays them, and
 *       {@link AppliedWrites} makes that harmless);</li>
 *   <li>{@link DatabaseUnavailableException}: stop, wait {@code firstBackoff}, doubling up to
 *       {@code maxBackoff}, then try the same record again; nothing behind it goes first;</li>
 *   <li>{@link SQLException} (the database answered "no": constraint, bad SQL): the record moves to the dead
 *       letters with its SQLState and message, and replay goes on with the next one.</li>
 * </ul>
 * The log says when replay pauses and resumes (WARN/INFO once per change), and per dead letter the sequence, id
 * and SQLState only; the database's message, which may quote values, goes to the dead-letter file alone.
 */
final class Replayer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Replayer.class);
    private static final int BATCH = 256;

    /** Applies one record to the database (exactly once, e.g. through {@link AppliedWrites}). */
    @FunctionalInterface
    public interface Apply {
        void apply(JournalRecord record) throws DatabaseUnavailableException, SQLException;
    }

    private final String name;
    private final Journal journal;
    private final Apply apply;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final AtomicLong applied = new AtomicLong();
    // guarded by lock
    private boolean closed;
    private boolean replayRequested;
    private boolean appended;
    // written by the replay thread only
    private volatile DatabaseUnavailableException.Reason waitingFor;
    private volatile boolean failing;

    private Replayer(String name, Journal journal, Apply apply, Duration firstBackoff, Duration maxBackoff) {
        this.name = name;
        this.journal = journal;
        this.apply = apply;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.thread = new Thread(this::run, "holdfast-spool-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts replaying {@code journal} through {@code apply}. */
    public static Replayer start(String name, Journal journal, Apply apply, Duration firstBackoff, Duration maxBackoff) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(apply, "apply");
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < firstBackoff <= maxBackoff, got " + firstBackoff
                    + " and " + maxBackoff);
        }
        Replayer replayer = new Replayer(name, journal, apply, firstBackoff, maxBackoff);
        replayer.thread.start();
        return replayer;
    }

    /** Try now, cutting short any back-off (an operator's or a test's "the database is back"). */
    public void replayNow() {
        signal(true);
    }

    /** A record was appended: wake an idle replayer, but leave a back-off running. */
    public void appended() {
        signal(false);
    }

    private void signal(boolean now) {
        lock.lock();
        try {
            if (now) {
                replayRequested = true;
            } else {
                appended = true;
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Records applied by this replayer since it started (dead letters not counted). */
    public long appliedCount() {
        return applied.get();
    }

    /** Why replay is waiting; empty while it is not waiting for the database. */
    public Optional<DatabaseUnavailableException.Reason> waitingFor() {
        return Optional.ofNullable(waitingFor);
    }

    public String name() {
        return name;
    }

    private void run() {
        Duration backoff = firstBackoff;
        while (!isClosed()) {
            boolean progressed;
            try {
                if (journal.depth() == 0) {
                    await(maxBackoff, true);
                    continue;
                }
                progressed = drain();
                if (failing) {
                    failing = false;
                    log.info("spool {}: journal readable again", name);
                }
            } catch (IOException | RuntimeException e) {
                // The thread must outlive one bad read or a bug in apply: log it, back off, try again.
                if (!failing) {
                    failing = true;
                    log.error("spool {}: replay failed; retrying", name, e);
                }
                progressed = false;
            }
            if (progressed) {
                backoff = firstBackoff;
            } else if (!isClosed()) {
                await(backoff, false);
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    /** Applies pending records until none are left (true) or the database cannot answer (false). */
    private boolean drain() throws IOException {
        while (!isClosed()) {
            List<JournalRecord> batch = journal.readPending(BATCH);
            if (batch.isEmpty()) {
                return true;
            }
            long done = 0;
            for (JournalRecord record : batch) {
                if (isClosed()) {
                    break;
                }
                if (!record.isAuthentic()) {
                    journal.reject(record);
                    done = record.sequence();
                    log.error("spool {}: record {} (id {}) failed authentication ({}); never replayed, moved to {}",
                            name, record.sequence(), record.id(), record.authenticity().description(),
                            journal.directory().resolve(Journal.DEAD_LETTERS));
                    continue;
                }
                try {
                    apply.apply(record);
                    applied.incrementAndGet();
                    done = record.sequence();
                    if (waitingFor != null) {
                        waitingFor = null;
                        log.info("spool {}: database answers again; replaying {} pending records", name,
                                journal.depth());
                    }
                } catch (DatabaseUnavailableException e) {
                    journal.acknowledge(done);
                    if (waitingFor == null) {
                        log.warn("spool {}: replay paused, database unavailable ({}); {} records pending",
                                name, e.reason(), journal.depth());
                    }
                    waitingFor = e.reason();
                    return false;
                } catch (SQLException e) {
                    journal.deadLetter(record, e.getSQLState(), e.getMessage());
                    done = record.sequence();
                    log.warn("spool {}: record {} (id {}) refused by the database (SQLState {}); moved to {}",
                            name, record.sequence(), record.id(), e.getSQLState(),
                            journal.directory().resolve(Journal.DEAD_LETTERS));
                }
            }
            journal.acknowledge(done);
        }
        return true;
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout}; {@link #replayNow()} and close end it early, and appends do when idle. */
    private void await(Duration timeout, boolean idle) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!closed && !replayRequested && !(idle && appended) && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            replayRequested = false;
            appended = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread: it finishes the record in hand (bounded by the database deadline) and ends. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(5));
                if (thread.isAlive()) {
                    log.warn("spool {}: replay thread did not stop", name);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
