package dev.holdfast;

import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.spool.AppliedWrites;
import dev.holdfast.spool.JournalFullException;
import dev.holdfast.spool.Spool;
import dev.holdfast.spool.SpooledStatement;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Critical writes: one parameterised statement, applied now through the {@link GuardedDatabase} (same deadline
 * and breaker as logins) or, when the database cannot answer, spooled to a durable journal and applied later,
 * in order, exactly once.
 *
 * <ul>
 *   <li><b>Exactly once.</b> Every write gets an id that is inserted into {@value AppliedWrites#TABLE} in the
 *       same transaction as the write. When the direct attempt fails because the database stopped answering
 *       (a timeout, a dropped connection, perhaps after the commit reached the server), the write is spooled
 *       under the same id; replay sees the id and does not apply it twice.</li>
 *   <li><b>Order.</b> While anything is spooled, new writes are spooled too instead of being tried directly, so
 *       a write accepted later never lands before one accepted earlier. The price: for the short while after an
 *       outage until the spool drains, writes answer {@code SPOOLED} although the database could take them.
 *       (Writes on different threads at the same moment have no order to keep.)</li>
 *   <li><b>The database says no.</b> An {@link SQLException} (constraint violation, bad SQL) from the direct
 *       attempt goes to the caller: it is the application's bug or its user's input, not an outage, and
 *       spooling it would only move it to the dead letters later. A spooled write that the database refuses on
 *       replay goes to the dead letters.</li>
 * </ul>
 * Only deterministic statements are safe to spool: inserts and updates whose values are all parameters. Not
 * reads, and not statements that use {@code now()}, sequences or other rows' current state unless the
 * application passes those values in: on replay they would be evaluated later.
 */
final class JournaledWrites {
    private static final Logger log = LoggerFactory.getLogger(JournaledWrites.class);

    private final GuardedDatabase database;
    private final Spool spool;
    private volatile boolean spooling;

    JournaledWrites(GuardedDatabase database, Spool spool) {
        this.database = Objects.requireNonNull(database, "database");
        this.spool = Objects.requireNonNull(spool, "spool");
    }

    /**
     * Applies {@code sql} with {@code parameters} now, or spools it when the database cannot answer.
     *
     * @throws IllegalArgumentException when a parameter is not of a type {@link SpooledStatement} takes
     * @throws SQLException when the database answered with an error (nothing was spooled)
     * @throws JournalFullException when the database cannot answer and the journal is full (nothing was saved)
     * @throws IOException when the database cannot answer and the journal cannot be written (nothing was saved)
     */
    WriteResult execute(String sql, Object... parameters) throws SQLException, JournalFullException, IOException {
        SpooledStatement statement = SpooledStatement.of(sql, parameters);
        UUID id = UUID.randomUUID();
        if (spool.depth() == 0) {
            try {
                AppliedWrites.Outcome outcome = database.call(
                        connection -> AppliedWrites.applyOnce(connection, id, statement));
                if (spooling) {
                    spooling = false;
                    log.info("critical writes: applied directly again");
                }
                return new WriteResult(WriteResult.Status.APPLIED, id, OptionalInt.of(outcome.updateCount()));
            } catch (DatabaseUnavailableException e) {
                if (!spooling) {
                    spooling = true;
                    log.warn("critical writes: database unavailable ({}); spooling writes to {}",
                            e.reason(), spool.name());
                }
            }
        }
        spool.append(id, statement);
        return new WriteResult(WriteResult.Status.SPOOLED, id, OptionalInt.empty());
    }

    /** Writes spooled and not yet applied. */
    long depth() {
        return spool.depth();
    }

    Spool.Snapshot snapshot() {
        return spool.snapshot();
    }
}
