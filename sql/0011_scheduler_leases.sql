-- Baton schema, part 11: scheduled jobs are kept to one instance by lease rows instead of session advisory locks.
-- A session lock belongs to one server connection; behind a transaction-mode pooler (PgBouncer) the unlock can go
-- to another server connection, and the lock then stays taken until that connection ends. A lease is a row: taken
-- and given back in transactions of their own, whichever server connection runs them, and it expires by itself
-- should its holder die mid-pass.

CREATE TABLE scheduler_leases (
    job text PRIMARY KEY,
    holder uuid NOT NULL,
    expires_at timestamptz NOT NULL
);
