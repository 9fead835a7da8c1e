-- Baton schema, part 15: a client's own token lifetimes and session cap, and the lifetimes fixed on each session at
-- its login. A NULL policy column means "the tenant's". Sessions created before this migration hold no lifetimes
-- and keep following their tenant's settings (RotationRequest.rotatedIdleExpiry says the same for the memory store).

ALTER TABLE clients
    ADD COLUMN access_token_ttl integer CHECK (access_token_ttl > 0),
    ADD COLUMN refresh_idle_ttl integer CHECK (refresh_idle_ttl > 0),
    ADD COLUMN refresh_absolute_ttl integer CHECK (refresh_absolute_ttl > 0),
    ADD COLUMN reuse_grace integer CHECK (reuse_grace >= 0),
    ADD COLUMN max_sessions_per_user integer CHECK (max_sessions_per_user > 0),
    ADD COLUMN on_session_limit text NOT NULL DEFAULT 'reject' CHECK (on_session_limit IN ('reject', 'evict_oldest'));

-- All four or none: a session's lifetimes are fixed together.
ALTER TABLE sessions
    ADD COLUMN access_token_ttl integer,
    ADD COLUMN refresh_idle_ttl integer,
    ADD COLUMN refresh_absolute_ttl integer,
    ADD COLUMN reuse_grace integer,
    ADD CONSTRAINT sessions_lifetimes_fixed_together CHECK (
        (access_token_ttl IS NULL) = (refresh_idle_ttl IS NULL) AND (access_token_ttl IS NULL) = (refresh_absolute_ttl IS NULL)
        AND (access_token_ttl IS NULL) = (reuse_grace IS NULL));

-- The idle expiry a rotation at `rotated_at` gives session `s`: its own idle lifetime from then (`idle_until`, the
-- tenant's, for a session without one), never past its absolute expiry. Replaces 0010's two-argument rule in both
-- rotation statements.
CREATE FUNCTION rotated_idle_expiry(s sessions, rotated_at timestamptz, idle_until timestamptz)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT LEAST(COALESCE(rotated_at + make_interval(secs => s.refresh_idle_ttl), idle_until), s.absolute_expires_at)
$$;

-- The single rotation with the session's lifetimes: 0013's procedure (its rule, its arguments), returning the
-- lifetimes too.
CREATE PROCEDURE rotate_session_with_lifetimes(
    successor_hash bytea, rotated_at timestamptz, idle_until timestamptz, tenant uuid, session uuid, client text,
    presented_generation integer, presented_hash bytea, required_scope text[], live_until timestamptz, presented_jkt text,
    OUT rotated_session_id uuid, OUT rotated_user_id uuid, OUT rotated_client_id text, OUT rotated_scope text[],
    OUT rotated_audience text[], OUT rotated_created_at timestamptz, OUT rotated_absolute_expires_at timestamptz,
    OUT rotated_idle_expires_at timestamptz, OUT rotated_generation integer, OUT rotated_current_hash bytea,
    OUT rotated_last_rotated_at timestamptz, OUT rotated_revoked_at timestamptz, OUT rotated_revoke_reason text,
    OUT rotated_user_agent text, OUT rotated_ip_address text, OUT rotated_dpop_jkt text,
    OUT rotated_access_token_ttl integer, OUT rotated_refresh_idle_ttl integer, OUT rotated_refresh_absolute_ttl integer,
    OUT rotated_reuse_grace integer)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions AS s
    SET generation = s.generation + 1, current_hash = successor_hash, last_rotated_at = rotated_at,
        idle_expires_at = rotated_idle_expiry(s, rotated_at, idle_until)
    WHERE s.tenant_id = tenant AND s.session_id = session
        AND session_rotation_applies(s, client, presented_generation, presented_hash, required_scope, live_until, presented_jkt)
    RETURNING s.session_id, s.user_id, s.client_id, s.scope, s.audience, s.created_at, s.absolute_expires_at,
        s.idle_expires_at, s.generation, s.current_hash, s.last_rotated_at, s.revoked_at, s.revoke_reason,
        s.user_agent, s.ip_address, s.dpop_jkt, s.access_token_ttl, s.refresh_idle_ttl, s.refresh_absolute_ttl, s.reuse_grace
    INTO rotated_session_id, rotated_user_id, rotated_client_id, rotated_scope, rotated_audience, rotated_created_at,
        rotated_absolute_expires_at, rotated_idle_expires_at, rotated_generation, rotated_current_hash,
        rotated_last_rotated_at, rotated_revoked_at, rotated_revoke_reason, rotated_user_agent, rotated_ip_address,
        rotated_dpop_jkt, rotated_access_token_ttl, rotated_refresh_idle_ttl, rotated_refresh_absolute_ttl, rotated_reuse_grace;
    COMMIT;
END
$$;

-- 0013's procedure, still called by instances of the version before while others roll: the same rotation, with the
-- session's own idle lifetime.
CREATE OR REPLACE PROCEDURE rotate_session_if_allowed(
    successor_hash bytea, rotated_at timestamptz, idle_until timestamptz, tenant uuid, session uuid, client text,
    presented_generation integer, presented_hash bytea, required_scope text[], live_until timestamptz, presented_jkt text,
    OUT rotated_session_id uuid, OUT rotated_user_id uuid, OUT rotated_client_id text, OUT rotated_scope text[],
    OUT rotated_audience text[], OUT rotated_created_at timestamptz, OUT rotated_absolute_expires_at timestamptz,
    OUT rotated_idle_expires_at timestamptz, OUT rotated_generation integer, OUT rotated_current_hash bytea,
    OUT rotated_last_rotated_at timestamptz, OUT rotated_revoked_at timestamptz, OUT rotated_revoke_reason text,
    OUT rotated_user_agent text, OUT rotated_ip_address text, OUT rotated_dpop_jkt text)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions AS s
    SET generation = s.generation + 1, current_hash = successor_hash, last_rotated_at = rotated_at,
        idle_expires_at = rotated_idle_expiry(s, rotated_at, idle_until)
    WHERE s.tenant_id = tenant AND s.session_id = session
        AND session_rotation_applies(s, client, presented_generation, presented_hash, required_scope, live_until, presented_jkt)
    RETURNING s.session_id, s.user_id, s.client_id, s.scope, s.audience, s.created_at, s.absolute_expires_at,
        s.idle_expires_at, s.generation, s.current_hash, s.last_rotated_at, s.revoked_at, s.revoke_reason,
        s.user_agent, s.ip_address, s.dpop_jkt
    INTO rotated_session_id, rotated_user_id, rotated_client_id, rotated_scope, rotated_audience, rotated_created_at,
        rotated_absolute_expires_at, rotated_idle_expires_at, rotated_generation, rotated_current_hash,
        rotated_last_rotated_at, rotated_revoked_at, rotated_revoke_reason, rotated_user_agent, rotated_ip_address,
        rotated_dpop_jkt;
    COMMIT;
END
$$;
