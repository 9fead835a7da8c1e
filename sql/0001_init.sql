-- Baton schema, part 1: tenants, their signing keys and chain keys, admin keys.
-- Every tenant-owned table leads its primary key with tenant_id, so the schema can be distributed by tenant.

CREATE TABLE tenants (
    tenant_id             uuid        PRIMARY KEY,
    slug                  text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$'),
    display_name          text        NOT NULL,
    access_token_ttl      integer     NOT NULL,
    refresh_idle_ttl      integer     NOT NULL,
    refresh_absolute_ttl  integer     NOT NULL CHECK (refresh_idle_ttl <= refresh_absolute_ttl),
    reuse_grace           integer     NOT NULL CHECK (reuse_grace >= 0),
    signing_alg           text        NOT NULL CHECK (signing_alg IN ('ES256', 'EdDSA', 'RS256')),
    key_rotation_interval integer     NOT NULL CHECK (key_rotation_interval >= 0),
    jwks_max_age          integer     NOT NULL CHECK (jwks_max_age >= 0),
    allow_signup          boolean     NOT NULL,
    audiences             text[]      NOT NULL DEFAULT '{}',
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);

CREATE TABLE signing_keys (
    tenant_id          uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    kid                text        NOT NULL,
    alg                text        NOT NULL CHECK (alg IN ('ES256', 'EdDSA', 'RS256')),
    state              text        NOT NULL CHECK (state IN ('pending', 'active', 'retiring', 'retired', 'revoked')),
    public_jwk         jsonb       NOT NULL,
    -- AES-256-GCM blob (nonce || ciphertext || tag) and the id of the master key that sealed it; erased on retirement.
    sealed_private_key bytea,
    master_key_id      text,
    created_at         timestamptz NOT NULL,
    activated_at       timestamptz,
    retiring_at        timestamptz,
    retired_at         timestamptz,
    revoked_at         timestamptz,
    PRIMARY KEY (tenant_id, kid),
    CHECK ((sealed_private_key IS NULL) = (master_key_id IS NULL)),
    CHECK (state IN ('retired', 'revoked') OR sealed_private_key IS NOT NULL)
);

-- Exactly one active key per tenant, enforced by the database and not only by code.
CREATE UNIQUE INDEX signing_keys_one_active_per_tenant ON signing_keys (tenant_id) WHERE state = 'active';

CREATE TABLE chain_keys (
    tenant_id     uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id            integer     NOT NULL,
    sealed_key    bytea       NOT NULL,
    master_key_id text        NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Operator keys: SHA-256 digests only. tenant_id NULL means a global (operator) key.
CREATE TABLE admin_keys (
    id         uuid        PRIMARY KEY,
    tenant_id  uuid        REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    digest     bytea       NOT NULL UNIQUE CHECK (octet_length(digest) = 32),
    created_at timestamptz NOT NULL
);
