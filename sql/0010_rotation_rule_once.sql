-- Baton schema, part 10: the rotation rule, stated once for PostgreSQL.
-- Until now rotate_session_if_allowed (0007) and the batch statement (BatchRotationStatement.swift) each carried
-- the rule that decides whether a session row rotates for a presented token, and the idle expiry a rotation gives.
-- Both now call these two functions. They are plain SQL, so the planner inlines them: the statements run the same
-- plan as before. The memory store states the rule in Swift (RotationRequest.applies(to:)); the store contract
-- tests hold it and these functions to agree.

-- Whether session `s` rotates for a token of `client` at `presented_generation` with `presented_hash`: not revoked,
-- living until `live_until` (the end of the current second), holding every scope in `required_scope`.
CREATE FUNCTION session_rotation_applies(
    s sessions, client text, presented_generation integer, presented_hash bytea, required_scope text[],
    live_until timestamptz
) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT s.client_id = client AND s.generation = presented_generation AND s.current_hash = presented_hash
        AND s.revoked_at IS NULL AND s.idle_expires_at >= live_until AND s.absolute_expires_at >= live_until
        AND s.scope @> required_scope
$$;

-- The idle expiry a rotation gives: the tenant's idle lifetime from now, never past the session's absolute expiry.
CREATE FUNCTION rotated_idle_expiry(idle_until timestamptz, absolute_expires_at timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
    SELECT LEAST(idle_until, absolute_expires_at)
$$;

-- Same signature and answers as 0007's: instances of the version before keep calling it while others roll.
CREATE OR REPLACE PROCEDURE rotate_session_if_allowed(
    successor_hash bytea, rotated_at timestamptz, idle_until timestamptz, tenant uuid, session uuid, client text,
    presented_generation integer, presented_hash bytea, required_scope text[], live_until timestamptz,
    OUT rotated_session_id uuid, OUT rotated_user_id uuid, OUT rotated_client_id text, OUT rotated_scope text[],
    OUT rotated_audience text[], OUT rotated_created_at timestamptz, OUT rotated_absolute_expires_at timestamptz,
    OUT rotated_idle_expires_at timestamptz, OUT rotated_generation integer, OUT rotated_current_hash bytea,
    OUT rotated_last_rotated_at timestamptz, OUT rotated_revoked_at timestamptz, OUT rotated_revoke_reason text,
    OUT rotated_user_agent text, OUT rotated_ip_address text)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions AS s
    SET generation = s.generation + 1, current_hash = successor_hash, last_rotated_at = rotated_at,
        idle_expires_at = rotated_idle_expiry(idle_until, s.absolute_expires_at)
    WHERE s.tenant_id = tenant AND s.session_id = session
        AND session_rotation_applies(s, client, presented_generation, presented_hash, required_scope, live_until)
    RETURNING s.session_id, s.user_id, s.client_id, s.scope, s.audience, s.created_at, s.absolute_expires_at,
        s.idle_expires_at, s.generation, s.current_hash, s.last_rotated_at, s.revoked_at, s.revoke_reason,
        s.user_agent, s.ip_address
    INTO rotated_session_id, rotated_user_id, rotated_client_id, rotated_scope, rotated_audience, rotated_created_at,
        rotated_absolute_expires_at, rotated_idle_expires_at, rotated_generation, rotated_current_hash,
        rotated_last_rotated_at, rotated_revoked_at, rotated_revoke_reason, rotated_user_agent, rotated_ip_address;
    COMMIT;
END
$$;
