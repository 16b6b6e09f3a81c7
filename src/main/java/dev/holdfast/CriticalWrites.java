package dev.holdfast;

import dev.holdfast.spool.JournalFullException;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Writes that must not be lost while the database is failing, for the application's own records:
 *
 * <pre>{@code
 * WriteResult r = CriticalWrites.from(getServletContext())
 *         .execute("INSERT INTO notes (id, author, body, written_at) VALUES (?, ?, ?, ?)",
 *                  noteId, user, body, Instant.now());
 * if (r.status() == WriteResult.Status.SPOOLED) { ... "saved, will be synced" ... }
 * }</pre>
 *
 * The statement runs over Holdfast's own pool with the same deadline and breaker as logins. When the
 * database cannot answer it is appended to a durable journal (fsync'd) and applied later, in the order
 * writes were accepted and exactly once (each write's id is recorded in {@code holdfast_applied_writes}
 * in the same transaction). While any write is waiting in the journal, new writes are journaled too, so
 * none overtakes an earlier one.
 *
 * <p>Spool only deterministic inserts and updates whose values are all parameters: not reads, and not
 * statements using {@code now()}, sequences or other rows' current state unless you pass those values in.
 * Parameters: {@code String, Integer, Long, BigDecimal, Boolean, Double, LocalDate, Instant,
 * OffsetDateTime, UUID, byte[]} or {@code null}.
 *
 * <p>An error the database answers with (constraint violation, bad SQL) is thrown as {@link SQLException}:
 * that is a bug or bad input, not an outage, and nothing is journaled. A journaled write the database refuses
 * on replay goes to the journal's {@code dead-letters.jsonl} and is reported in health.
 */
public final class CriticalWrites {
    /** The servlet-context attribute under which {@link HoldfastListener} stores the instance. */
    public static final String ATTRIBUTE = "dev.holdfast.CriticalWrites";

    private final JournaledWrites writes;

    CriticalWrites(JournaledWrites writes) {
        this.writes = Objects.requireNonNull(writes, "writes");
    }

    /**
     * The instance of this web application.
     *
     * @throws IllegalStateException when the listener that builds it is not declared
     */
    public static CriticalWrites from(ServletContext context) {
        Objects.requireNonNull(context, "context");
        Object found = context.getAttribute(ATTRIBUTE);
        if (!(found instanceof CriticalWrites)) {
            throw new IllegalStateException("holdfast: no critical writes in this application;"
                    + " declare dev.holdfast.HoldfastListener in web.xml");
        }
        return (CriticalWrites) found;
    }

    /**
     * Runs one parameterised statement now, or journals it when the database cannot answer.
     *
     * @throws IllegalArgumentException naming the parameter whose type is not one of those listed above
     * @throws SQLException when the database refused the statement (nothing journaled)
     * @throws WritesUnavailableException when the database cannot answer and the journal cannot take the
     *     write either (full or failing): nothing was saved
     */
    public WriteResult execute(String sql, Object... parameters) throws SQLException, WritesUnavailableException {
        try {
            return writes.execute(sql, parameters);
        } catch (JournalFullException e) {
            throw new WritesUnavailableException("holdfast: database unavailable and " + e.getMessage(), e);
        } catch (IOException e) {
            throw new WritesUnavailableException("holdfast: database unavailable and the journal cannot be written", e);
        }
    }

    /** Writes waiting in the journal. */
    public long pending() {
        return writes.depth();
    }
}
