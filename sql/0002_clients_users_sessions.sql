-- Baton schema, part 2: clients, users and sessions (token families).

CREATE TABLE clients (
    tenant_id     uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    client_id     text        NOT NULL,
    name          text        NOT NULL,
    client_type   text        NOT NULL CHECK (client_type IN ('public', 'confidential')),
    -- SHA-256 of the client secret; public clients have none.
    secret_digest bytea       CHECK (octet_length(secret_digest) = 32),
    grant_types   text[]      NOT NULL,
    scopes        text[]      NOT NULL,
    audiences     text[]      NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, client_id),
    CHECK ((client_type = 'public') = (secret_digest IS NULL))
);

CREATE TABLE users (
    tenant_id     uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    user_id       uuid        NOT NULL,
    username      text        NOT NULL,
    -- Argon2id PHC string.
    password_hash text        NOT NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    UNIQUE (tenant_id, username)
);

-- One row per login. Only the SHA-256 of the current refresh secret and its generation are kept:
-- a refresh is one conditional UPDATE of this row, found by primary key.
CREATE TABLE sessions (
    tenant_id           uuid        NOT NULL,
    session_id          uuid        NOT NULL,
    user_id             uuid        NOT NULL,
    client_id           text        NOT NULL,
    scope               text[]      NOT NULL,
    audience            text[]      NOT NULL,
    created_at          timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    idle_expires_at     timestamptz NOT NULL CHECK (idle_expires_at <= absolute_expires_at),
    generation          integer     NOT NULL CHECK (generation >= 0),
    current_hash        bytea       NOT NULL CHECK (octet_length(current_hash) = 32),
    last_rotated_at     timestamptz,
    revoked_at          timestamptz,
    revoke_reason       text,
    user_agent          text,
    ip_address          text,
    PRIMARY KEY (tenant_id, session_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, client_id) ON DELETE CASCADE
);

CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);
-- For the purge of ended sessions.
CREATE INDEX sessions_by_absolute_expiry ON sessions (absolute_expires_at);
