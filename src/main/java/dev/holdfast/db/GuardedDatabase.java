package dev.holdfast.db;

import dev.holdfast.db.DatabaseUnavailableException.Reason;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database that answers within a deadline or says it cannot: every call runs on a borrowed connection on this
 * database's own bounded executor, behind a {@link Breaker}, and the caller waits at most
 * {@code maxWait + queryTimeout}.
 *
 * <ul>
 *   <li>breaker open: {@link Reason#BREAKER_OPEN} at once;</li>
 *   <li>executor and its queue full ({@code maxTotal} running, {@value #QUEUED_PER_CONNECTION} x {@code maxTotal}
 *       queued): {@link Reason#OVERLOADED} at once, so a dead database never holds more request threads than that,
 *       and the queued ones for {@code maxWait} at most;</li>
 *   <li>no worker (= connection) free within {@code maxWait}: {@link Reason#POOL_EXHAUSTED};</li>
 *   <li>deadline passed: {@link Reason#TIMEOUT}; the call is cancelled and its worker thread, still bounded by the
 *       driver's socket and login timeouts, frees itself;</li>
 *   <li>connection failures and fatal SQLStates: {@link Reason#CONNECTION_FAILED}; the query timeout (57014):
 *       {@link Reason#TIMEOUT}; no pooled connection within {@code maxWait}: {@link Reason#POOL_EXHAUSTED}
 *       (see {@link FailureClassifier});</li>
 *   <li>any other {@link SQLException} is the database's answer and is rethrown as is;</li>
 *   <li>after {@link #close()} (undeploy racing a request): {@link Reason#NOT_CONFIGURED}.</li>
 * </ul>
 * Timeouts and connection failures count towards the breaker; answers close it; pool exhaustion and
 * overload say nothing about the database and leave it alone.
 *
 * <p>A caller that can answer without the database ({@link #call(SqlWork, BooleanSupplier)}: a login the credential
 * tier can serve) is not kept waiting once the database is {@linkplain Breaker#suspect() suspect}: one such call
 * at a time goes on as a probe with the full deadline, its caller waits {@link Breaker#probeWait()} at most, and
 * the others get {@link Reason#PROBING} at once.
 *
 * <p>Hand-written rather than Failsafe's {@code Timeout} + {@code Bulkhead} + {@code CircuitBreaker}: a
 * {@code Timeout} always schedules on Failsafe's static {@code FailsafeDelayScheduler} thread, also when an
 * executor is given, and that thread never ends: after a single call from a web application it holds the
 * application's class loader as its context loader and keeps it from being collected (measured with 3.3.2), so
 * every redeploy would leak; a {@code Bulkhead} counts permits but runs nothing, so the bounded executor that gives the
 * caller its hard deadline would still be needed; and see {@link Breaker} for the breaker.
 *
 * <p>Thread-safe; one instance per pool, shared by all requests. Threads: {@code holdfast-db-<name>-N}, daemons.
 */
public final class GuardedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GuardedDatabase.class);
    private static final Executor DIRECT = Runnable::run;
    private static final BooleanSupplier NO_FALLBACK = () -> false;
    /**
     * Calls that may wait for a connection, per connection. A queued call waits {@code maxWait} at most, so a deep
     * queue costs little when the database is dead; a shallow one would refuse a burst of logins that a healthy
     * database serves within milliseconds (50 at once against 10 connections of 5 ms queries).
     */
    static final int QUEUED_PER_CONNECTION = 4;

    private final String name;
    private final DataSource dataSource;
    private final Optional<BasicDataSource> ownPool;
    private final Optional<Duration> networkTimeout;
    private final int maxTotal;
    private final Duration maxWait;
    private final Duration deadline;
    private final Breaker breaker;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    /** Every worker thread the executor made (at most maxTotal alive), so close() can wait for them to end. */
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private static final long WORKER_EXIT_MILLIS = 1000;
    private final Set<Connection> borrowed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean failing = new AtomicBoolean();
    /** The call of {@link #call(SqlWork, BooleanSupplier)} that is out as the probe of a suspect database. */
    private final AtomicReference<Call<?>> probeOut = new AtomicReference<>();
    private final AtomicBoolean networkTimeoutUnsupported = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Reason lastFailure;
    private volatile Instant lastFailureAt;

    private GuardedDatabase(String name, DataSource dataSource, Optional<BasicDataSource> ownPool,
            Optional<Duration> networkTimeout, int maxTotal, Duration maxWait, Duration deadline, Breaker breaker,
            Clock clock) {
        this.name = name;
        this.dataSource = dataSource;
        this.ownPool = ownPool;
        this.networkTimeout = networkTimeout;
        this.maxTotal = maxTotal;
        this.maxWait = maxWait;
        this.deadline = deadline;
        this.breaker = breaker;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(maxTotal, maxTotal, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_PER_CONNECTION * maxTotal), threadsNamed("holdfast-db-" + name + "-"),
                new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * A DBCP2 pool over {@code settings} (see {@link Pools} for its bounds) behind {@code breaker}. Connects on the
     * first call, not here: a database that is down at start-up does not stop the deploy.
     */
    public static GuardedDatabase open(PoolSettings settings, Breaker breaker, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(clock, "clock");
        BasicDataSource pool = Pools.dbcp(settings);
        log.info("holdfast: database [{}] pool {}", settings.name(), settings);
        return new GuardedDatabase(settings.name(), pool, Optional.of(pool), Optional.empty(), settings.maxTotal(),
                settings.maxWait(), settings.deadline(), breaker, clock);
    }

    /**
     * A container's pool ({@code db.jndi}, see {@link Pools#fromJndi(String)}): Holdfast cannot set its driver
     * timeouts, so besides the caller's deadline it sets a network timeout ({@code queryTimeout} plus two seconds)
     * on each borrowed connection while a call uses it, and restores the old one before returning it.
     * {@link #close()} leaves the container's pool open.
     *
     * @param maxTotal calls running at once ({@code db.maxTotal}); keep it at most the container pool's size
     */
    public static GuardedDatabase overDataSource(String name, DataSource dataSource, int maxTotal, Duration maxWait,
            Duration queryTimeout, Breaker breaker, Clock clock) {
        PoolSettings.requireName(name);
        Objects.requireNonNull(dataSource, "dataSource");
        if (maxTotal < 1) {
            throw new IllegalArgumentException("maxTotal must be at least 1: " + maxTotal);
        }
        PoolSettings.requirePositive(maxWait, "maxWait");
        PoolSettings.requirePositive(queryTimeout, "queryTimeout");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(clock, "clock");
        Duration network = Duration.ofSeconds(Pools.ceilSeconds(queryTimeout) + 2);
        log.info("holdfast: database [{}] uses the container's DataSource; maxTotal={}, maxWait={}, queryTimeout={}",
                name, maxTotal, maxWait, queryTimeout);
        return new GuardedDatabase(name, dataSource, Optional.empty(), Optional.of(network), maxTotal,
                maxWait, maxWait.plus(queryTimeout), breaker, clock);
    }

    /**
     * Runs {@code work} on a borrowed connection and returns its result, or says why the database could not
     * answer in time.
     *
     * @throws DatabaseUnavailableException the database could not answer (see the class comment for reasons)
     * @throws SQLException                 the database answered with an error (constraint, syntax, permission)
     */
    public <T> T call(SqlWork<T> work) throws DatabaseUnavailableException, SQLException {
        return call(work, NO_FALLBACK);
    }

    /**
     * Like {@link #call(SqlWork)}, for a caller that can answer without the database when {@code canDoWithout} says
     * so (a login the credential tier can serve). It is asked only while the database is
     * {@linkplain Breaker#suspect() suspect}: a call has timed out or failed to connect and none has been answered
     * since. Then, instead of waiting the deadline:
     * <ul>
     *   <li>one such call at a time goes to the database as a probe; its caller waits for it at most the
     *       breaker's {@link Breaker#probeWait() probeWait} and then gets {@link Reason#PROBING}, while the probe
     *       runs on to the usual deadline and tells the breaker what it found (an answer ends the suspicion);</li>
     *   <li>the others get {@link Reason#PROBING} at once, without a call.</li>
     * </ul>
     * While the database answers, even slowly within the deadline, this is exactly {@link #call(SqlWork)}.
     *
     * @throws DatabaseUnavailableException the database could not answer, or was not waited for
     * @throws SQLException                 the database answered with an error (constraint, syntax, permission)
     */
    public <T> T call(SqlWork<T> work, BooleanSupplier canDoWithout) throws DatabaseUnavailableException, SQLException {
        return call(work, canDoWithout, Duration.ZERO);
    }

    /**
     * Like {@link #call(SqlWork, BooleanSupplier)}, for a caller with work of its own to do after the call, whatever
     * it returns (a login checks a password either way), that must still answer within {@link #deadline()}: the
     * caller waits at most the deadline less {@code leaveForCaller}, which is capped at half the deadline so that
     * the database always keeps at least half of it. A call that passes that wait is cancelled and counts as a
     * timeout, as one past the deadline does.
     *
     * @throws DatabaseUnavailableException the database could not answer, or was not waited for
     * @throws SQLException                 the database answered with an error (constraint, syntax, permission)
     */
    public <T> T call(SqlWork<T> work, BooleanSupplier canDoWithout, Duration leaveForCaller)
            throws DatabaseUnavailableException, SQLException {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(canDoWithout, "canDoWithout");
        Objects.requireNonNull(leaveForCaller, "leaveForCaller");
        if (closed) {
            throw new DatabaseUnavailableException(Reason.NOT_CONFIGURED,
                    new IllegalStateException("database [" + name + "] is closed"));
        }
        long start = System.nanoTime();
        boolean probe = breaker.suspect() && canDoWithout.getAsBoolean();
        Call<T> call = new Call<>(work, start, probe);
        if (probe && !claimProbe(call)) {
            throw new DatabaseUnavailableException(Reason.PROBING);
        }
        if (!breaker.tryAcquire()) {
            if (probe) {
                probeOut.compareAndSet(call, null);
            }
            throw new DatabaseUnavailableException(Reason.BREAKER_OPEN);
        }
        Future<T> future;
        try {
            future = executor.submit(call);
        } catch (RejectedExecutionException e) {
            call.settleNeutral();
            throw closed ? new DatabaseUnavailableException(Reason.NOT_CONFIGURED, e)
                    : unavailable(Reason.OVERLOADED, e);
        }
        Duration budget = deadline.minus(capped(leaveForCaller));
        Duration wait = probe && breaker.probeWait().compareTo(budget) < 0 ? breaker.probeWait() : budget;
        try {
            if (!call.awaitStart(wait.compareTo(maxWait) < 0 ? wait : maxWait)) {
                if (probe) {
                    // still queued: a worker runs it within maxWait of now or skips it; either way it reports
                    throw new DatabaseUnavailableException(Reason.PROBING);
                }
                if (call.abandonIfQueued()) {
                    executor.remove((Runnable) future); // free its queue slot now
                    call.settleNeutral();
                    throw unavailable(Reason.POOL_EXHAUSTED, null);
                }
            }
            long left = wait.toNanos() - (System.nanoTime() - start);
            return future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (probe) {
                // the probe runs on to the deadline on its worker and reports what it found
                throw new DatabaseUnavailableException(Reason.PROBING, e);
            }
            call.settleFailure(Reason.TIMEOUT, e); // before the cancel: what the interrupted worker throws is not news
            abandon(future);
            throw new DatabaseUnavailableException(Reason.TIMEOUT, e);
        } catch (InterruptedException e) {
            call.abandonIfQueued();
            call.settleNeutral();
            abandon(future);
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException(Reason.TIMEOUT, e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** What a caller may keep of the deadline for its own work: none when negative, at most half. */
    private Duration capped(Duration wanted) {
        Duration half = deadline.dividedBy(2);
        return wanted.isNegative() ? Duration.ZERO : wanted.compareTo(half) > 0 ? half : wanted;
    }

    /**
     * Makes {@code call} the probe unless another one is out. A probe out longer than the deadline has ended as its
     * caller would have been told had it waited: still queued (every worker busy), it is given up as saying nothing;
     * running (its worker stuck where no driver timeout reaches, e.g. a container pool without any), it timed out.
     * Either way the next caller probes.
     */
    private boolean claimProbe(Call<?> call) {
        Call<?> out = probeOut.get();
        if (out != null && out.overdue()) {
            if (out.abandonIfQueued()) {
                out.settleNeutral();
            } else {
                out.settleFailure(Reason.TIMEOUT, null);
            }
        }
        return probeOut.compareAndSet(null, call);
    }

    /**
     * One call on its way through the executor. It waits at most {@code maxWait} for a worker (with as many workers
     * as connections, a worker is a connection): if none is free by then the caller abandons it (pool exhausted,
     * nothing learned about the database) and a worker that reaches it later skips it; a probe whose caller has
     * gone is skipped by the worker itself.
     *
     * <p>What the call says about the database reaches the breaker exactly once: from the worker when the work
     * ends (it may end after its caller has stopped waiting), or from the caller when the deadline passes or the
     * call never starts, whichever comes first.
     */
    private final class Call<T> implements Callable<T> {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int ABANDONED = 2;
        private final SqlWork<T> work;
        private final long submitted;
        private final boolean probe;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private final AtomicBoolean settled = new AtomicBoolean();
        private final CountDownLatch started = new CountDownLatch(1);

        Call(SqlWork<T> work, long submitted, boolean probe) {
            this.work = work;
            this.submitted = submitted;
            this.probe = probe;
        }

        @Override
        public T call() throws Exception {
            if (probe && System.nanoTime() - submitted > maxWait.toNanos() && abandonIfQueued()) {
                settleNeutral(); // no worker within maxWait: busy, which says nothing about the database
            }
            if (!state.compareAndSet(QUEUED, RUNNING)) {
                throw new CancellationException("abandoned while queued");
            }
            started.countDown();
            T result;
            try {
                result = runOnConnection(work);
            } catch (Exception | Error e) {
                settleFrom(e);
                throw e;
            }
            if (overdue()) {
                settleFailure(Reason.TIMEOUT, null); // too late: its caller was told TIMEOUT, or had gone
            } else {
                settleAnswered();
            }
            return result;
        }

        boolean awaitStart(Duration timeout) throws InterruptedException {
            return started.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** True when the call had not started and now never will. */
        boolean abandonIfQueued() {
            return state.compareAndSet(QUEUED, ABANDONED);
        }

        /** Tells the breaker what a failure of the work says about the database. */
        private void settleFrom(Throwable failure) {
            if (closed) {
                settleNeutral(); // close() interrupted or aborted this call: not the database's doing
                return;
            }
            Optional<Reason> reason = FailureClassifier.unavailability(failure);
            if (reason.isPresent() && reason.get() == Reason.POOL_EXHAUSTED) {
                settle(breaker::onNeutral, reason.get(), failure);
            } else if (reason.isPresent()) {
                settleFailure(reason.get(), failure);
            } else if (failure instanceof SQLException) {
                settleAnswered(); // an error answer is an answer
            } else {
                settleNeutral();
            }
        }

        void settleAnswered() {
            if (settled.compareAndSet(false, true)) {
                breaker.onSuccess();
                if (failing.compareAndSet(true, false)) {
                    log.info("holdfast: database [{}] answers again", name);
                }
                endProbe();
            }
        }

        void settleFailure(Reason reason, Throwable cause) {
            settle(breaker::onFailure, reason, cause);
        }

        void settleNeutral() {
            if (settled.compareAndSet(false, true)) {
                breaker.onNeutral();
                endProbe();
            }
        }

        private void settle(Runnable outcome, Reason reason, Throwable cause) {
            if (settled.compareAndSet(false, true)) {
                outcome.run();
                noteFailure(reason, cause);
                endProbe();
            }
        }

        boolean overdue() {
            return System.nanoTime() - submitted > deadline.toNanos();
        }

        private void endProbe() {
            if (probe) {
                probeOut.compareAndSet(this, null);
            }
        }
    }

    private <T> T runOnConnection(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            borrowed.add(connection);
            try {
                if (networkTimeout.isPresent()) {
                    return runWithNetworkTimeout(connection, work, networkTimeout.get());
                }
                return work.run(connection);
            } finally {
                borrowed.remove(connection);
            }
        }
    }

    private <T> T runWithNetworkTimeout(Connection connection, SqlWork<T> work, Duration timeout)
            throws SQLException {
        int previous;
        try {
            previous = connection.getNetworkTimeout();
            connection.setNetworkTimeout(DIRECT, Math.toIntExact(timeout.toMillis()));
        } catch (SQLFeatureNotSupportedException e) {
            if (networkTimeoutUnsupported.compareAndSet(false, true)) {
                log.warn("holdfast: database [{}]: the driver has no network timeout; only the deadline bounds calls",
                        name);
            }
            return work.run(connection);
        }
        try {
            return work.run(connection);
        } finally {
            restoreNetworkTimeout(connection, previous);
        }
    }

    /** Gives the container its connection back as it lent it; a failure here must not hide the call's outcome. */
    private void restoreNetworkTimeout(Connection connection, int previous) {
        try {
            if (!connection.isClosed()) {
                connection.setNetworkTimeout(DIRECT, previous);
            }
        } catch (SQLException e) {
            log.debug("holdfast: database [{}]: network timeout not restored on a failing connection", name, e);
        }
    }

    /**
     * Throws the caller's exception for a worker's failure (the worker has told the breaker already). Declared to
     * return an Error only so that callers can write {@code throw rethrown(...)}.
     */
    private Error rethrown(Throwable cause) throws SQLException, DatabaseUnavailableException {
        if (closed) {
            // close() interrupted or aborted this call: whatever the driver made of that is not an answer
            throw new DatabaseUnavailableException(Reason.NOT_CONFIGURED, cause);
        }
        Optional<Reason> reason = FailureClassifier.unavailability(cause);
        if (reason.isPresent()) {
            throw new DatabaseUnavailableException(reason.get(), cause);
        }
        if (cause instanceof SQLException) {
            throw (SQLException) cause;
        }
        if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            return (Error) cause;
        }
        throw new IllegalStateException("unexpected failure of database work", cause);
    }

    private void abandon(Future<?> future) {
        future.cancel(true);
        executor.remove((Runnable) future); // free its queue slot now, not when a worker reaches it
    }

    private DatabaseUnavailableException unavailable(Reason reason, Throwable cause) {
        noteFailure(reason, cause);
        return new DatabaseUnavailableException(reason, cause);
    }

    /** For health and the log: one WARN when the database stops answering, DEBUG for each failure after. */
    private void noteFailure(Reason reason, Throwable cause) {
        lastFailure = reason;
        lastFailureAt = clock.instant();
        if (failing.compareAndSet(false, true)) {
            log.warn("holdfast: database [{}] cannot answer: {} ({})", name, reason, describe(cause));
        } else {
            log.debug("holdfast: database [{}] cannot answer: {}", name, reason);
        }
    }

    /** Exception types and SQLStates only: driver messages can carry connection details. */
    private static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null && text.length() < 300; t = t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName());
            if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
                text.append(' ').append(((SQLException) t).getSQLState());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }

    /** False while the breaker refuses calls; true again once a probe may go through. */
    public boolean isAvailable() {
        return !closed && breaker.allowsCalls();
    }

    public String name() {
        return name;
    }

    /** This database's breaker, for its state and transitions (metrics). */
    public Breaker breaker() {
        return breaker;
    }

    /** The longest a caller waits in {@link #call(SqlWork)}: {@code maxWait + queryTimeout}. */
    public Duration deadline() {
        return deadline;
    }

    public PoolSnapshot snapshot() {
        int active = borrowed.size();
        OptionalInt idle = ownPool.map(p -> OptionalInt.of(p.getNumIdle())).orElse(OptionalInt.empty());
        int waiting = executor.getQueue().size() + Math.max(0, executor.getActiveCount() - active);
        Reason failure = lastFailure;
        return new PoolSnapshot(name, active, idle, waiting, maxTotal, breaker.state(),
                Optional.ofNullable(failure), Optional.ofNullable(failure == null ? null : lastFailureAt));
    }

    /**
     * Refuses new calls, aborts the connections in use (so no worker stays blocked on a dead socket), closes the
     * pool (not a container's) and waits a bounded time for the worker threads to end.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.shutdownNow();
        for (Connection connection : new ArrayList<>(borrowed)) {
            try {
                connection.abort(DIRECT);
            } catch (SQLException e) {
                log.debug("holdfast: database [{}]: abort of a connection in use failed", name, e);
            }
        }
        if (ownPool.isPresent()) {
            try {
                ownPool.get().close();
            } catch (SQLException e) {
                log.warn("holdfast: database [{}]: pool did not close cleanly ({})", name, describe(e));
            }
        }
        try {
            // a worker still creating a connection is bounded by the driver's login timeout (about the deadline)
            if (!executor.awaitTermination(deadline.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                log.warn("holdfast: database [{}]: {} worker thread(s) still busy after close", name,
                        executor.getActiveCount());
            } else {
                joinWorkers();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("holdfast: database [{}] closed", name);
    }

    /** Worker threads running a call now (some may be calls their callers gave up on). */
    int busyWorkers() {
        return executor.getActiveCount();
    }

    private ThreadFactory threadsNamed(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            workers.add(thread);
            return thread;
        };
    }

    /**
     * Waits for the worker threads themselves to end: the executor counts as terminated once its last task
     * is done, a moment before that thread dies, and a container checking for leaked threads right after
     * undeploy would otherwise see it.
     */
    private void joinWorkers() throws InterruptedException {
        for (Thread worker : workers) {
            worker.join(WORKER_EXIT_MILLIS);
        }
        workers.clear();
    }
}
