-- The demo application's own table (not Holdfast's): notes saved through dev.holdfast.CriticalWrites.
-- The id and the time come from the application, so a note spooled during an outage and replayed later
-- keeps both (statements that call now() or a sequence are not safe to spool: docs/spool.md).
CREATE TABLE IF NOT EXISTS demo_notes (
    id         uuid        PRIMARY KEY,
    username   text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL
);
