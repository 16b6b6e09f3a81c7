package dev.holdfast.health;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.db.PoolSnapshot;
import dev.holdfast.json.Json;
import dev.holdfast.shared.SharedStatus;
import dev.holdfast.spool.Spool;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code /auth/health} reports: whether each database answers (one bounded probe through the same
 * guarded path logins use, so a hanging database costs the probe at most its deadline and feeds the breaker),
 * pool and breaker state, the credential tier and the spools; with shared state on, one bounded probe of Redis
 * (a node that cannot reach it runs on its own state: DEGRADED).
 */
public final class HealthReport {
    /** The overall verdict. */
    public enum Status {
        /** The main database answers. */
        UP,
        /**
         * The main database cannot answer, users in the credential tier can still log in; or shared state is on
         * and unreachable, so this node runs on its own revocations and counts.
         */
        DEGRADED,
        /** Nothing can serve a login. */
        DOWN
    }

    private final Status status;
    private final String json;

    private HealthReport(Status status, String json) {
        this.status = status;
        this.json = json;
    }

    /**
     * Probes {@code mainDatabase} and the {@code emergencyDatabase} (when there is one) and reports them with the
     * state of the rest; {@code shared} is empty when shared state is off.
     */
    public static HealthReport of(GuardedDatabase mainDatabase, Optional<GuardedDatabase> emergencyDatabase,
                                  PoolSnapshot spoolPool, CredentialTier.Statistics tier, Spool.Snapshot auditSpool,
                                  Spool.Snapshot writesSpool, Optional<SharedStatus> shared) {
        Objects.requireNonNull(spoolPool, "spoolPool");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(auditSpool, "auditSpool");
        Objects.requireNonNull(writesSpool, "writesSpool");
        Objects.requireNonNull(shared, "shared");
        Probe main = Probe.of(Objects.requireNonNull(mainDatabase, "mainDatabase"));
        Optional<Probe> emergency = emergencyDatabase.map(Probe::of);
        Status status;
        if (main.answered) {
            status = Status.UP;
        } else if (tier.entries() > 0 || tier.shared() || emergency.map(p -> p.answered).orElse(false)) {
            status = Status.DEGRADED;
        } else {
            status = Status.DOWN;
        }
        if (status == Status.UP && shared.isPresent() && !shared.get().up()) {
            status = Status.DEGRADED;
        }
        Status overall = status;
        String json = Json.write(out -> write(out, overall, main, emergency, spoolPool, tier, auditSpool, writesSpool, shared));
        return new HealthReport(overall, json);
    }

    private static void write(JsonGenerator json, Status status, Probe main, Optional<Probe> emergency,
                              PoolSnapshot spoolPool, CredentialTier.Statistics tier, Spool.Snapshot auditSpool,
                              Spool.Snapshot writesSpool, Optional<SharedStatus> shared) throws IOException {
        json.writeStartObject();
        json.writeStringField("status", status.name());
        json.writeObjectFieldStart("database");
        main.write(json, "main");
        if (emergency.isPresent()) {
            emergency.get().write(json, "emergency");
        } else {
            json.writeObjectFieldStart("emergency");
            json.writeBooleanField("enabled", false);
            json.writeEndObject();
        }
        writePool(json, "spool", spoolPool);
        json.writeEndObject();
        json.writeObjectFieldStart("credentialTier");
        json.writeNumberField("entries", tier.entries());
        json.writeNumberField("hits", tier.hits());
        json.writeNumberField("misses", tier.misses());
        json.writeBooleanField("persistent", tier.persistent());
        json.writeBooleanField("shared", tier.shared());
        json.writeEndObject();
        writeSpool(json, "auditSpool", auditSpool);
        writeSpool(json, "writesSpool", writesSpool);
        writeShared(json, shared);
        json.writeEndObject();
    }

    public Status status() {
        return status;
    }

    /** {@code 200} for UP and DEGRADED, {@code 503} for DOWN. */
    public int httpStatus() {
        return status == Status.DOWN ? 503 : 200;
    }

    public String toJson() {
        return json;
    }

    /** The spool's own view ({@link Spool.Snapshot#writeTo}, documented in docs/spool.md), not a second copy. */
    private static void writeSpool(JsonGenerator json, String name, Spool.Snapshot spool) throws IOException {
        json.writeFieldName(name);
        spool.writeTo(json);
    }

    /** {@code shared}: {@code enabled: false}, or the probe's status, breaker, subscription and queued revocations. */
    private static void writeShared(JsonGenerator json, Optional<SharedStatus> shared) throws IOException {
        json.writeObjectFieldStart("shared");
        if (shared.isEmpty()) {
            json.writeBooleanField("enabled", false);
        } else {
            SharedStatus status = shared.get();
            json.writeStringField("status", status.up() ? "UP" : "DOWN");
            json.writeStringField("breaker", status.breaker());
            json.writeBooleanField("listening", status.listening());
            json.writeNumberField("pendingRevocations", status.pending());
            json.writeStringField("namespace", status.namespace());
            if (status.lastFailure().isPresent()) {
                json.writeStringField("lastFailure", status.lastFailure().get());
            }
        }
        json.writeEndObject();
    }

    /** A pool's state without probing it (the spool pool is exercised by its replays). */
    private static void writePool(JsonGenerator json, String name, PoolSnapshot pool) throws IOException {
        json.writeObjectFieldStart(name);
        writePoolFields(json, pool);
        json.writeEndObject();
    }

    private static void writePoolFields(JsonGenerator json, PoolSnapshot pool) throws IOException {
        json.writeStringField("breaker", pool.breakerState().name());
        json.writeNumberField("active", pool.active());
        if (pool.idle().isPresent()) {
            json.writeNumberField("idle", pool.idle().getAsInt());
        }
        json.writeNumberField("waiting", pool.waiting());
        json.writeNumberField("maxTotal", pool.maxTotal());
        if (pool.lastFailure().isPresent()) {
            json.writeStringField("lastFailure", pool.lastFailure().get().name());
        }
        if (pool.lastFailureAt().isPresent()) {
            json.writeStringField("lastFailureAt", pool.lastFailureAt().get().toString());
        }
    }

    /** One probe of one database through its guarded path. */
    private static final class Probe {
        final boolean answered;
        final Optional<DatabaseUnavailableException.Reason> reason;
        final PoolSnapshot pool;

        private Probe(boolean answered, Optional<DatabaseUnavailableException.Reason> reason, PoolSnapshot pool) {
            this.answered = answered;
            this.reason = reason;
            this.pool = pool;
        }

        static Probe of(GuardedDatabase database) {
            boolean answered;
            Optional<DatabaseUnavailableException.Reason> reason = Optional.empty();
            try {
                database.call(connection -> {
                    try (Statement statement = connection.createStatement()) {
                        return statement.execute("SELECT 1");
                    }
                });
                answered = true;
            } catch (DatabaseUnavailableException e) {
                answered = false;
                reason = Optional.of(e.reason());
            } catch (SQLException e) {
                // The database answered, if with an error: it is up.
                answered = true;
            }
            return new Probe(answered, reason, database.snapshot());
        }

        void write(JsonGenerator json, String name) throws IOException {
            json.writeObjectFieldStart(name);
            json.writeStringField("status", answered ? "UP" : "DOWN");
            if (reason.isPresent()) {
                json.writeStringField("reason", reason.get().name());
            }
            writePoolFields(json, pool);
            json.writeEndObject();
        }
    }
}
