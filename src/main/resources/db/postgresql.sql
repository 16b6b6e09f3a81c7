-- Holdfast default schema (contract §7). Safe to run again: every statement is idempotent.
CREATE TABLE IF NOT EXISTS users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL DEFAULT '',
    enabled       BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE IF NOT EXISTS holdfast_audit (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    username  TEXT,
    outcome   TEXT NOT NULL,
    tier      TEXT,
    client_ip TEXT
);

CREATE INDEX IF NOT EXISTS holdfast_audit_at ON holdfast_audit (at);
