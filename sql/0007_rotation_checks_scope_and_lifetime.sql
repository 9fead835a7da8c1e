-- Baton schema, part 7: every check that can refuse a refresh is inside the rotation.
-- rotate_session (0006) rotated before the refresh's scope was compared with the session's, so a refresh asking
-- for a wider scope was refused after its token was spent; and a session with less than a whole second left rotated
-- and was then refused for having no time for an access token. rotate_session_if_allowed takes both rules into its
-- one UPDATE: the session must hold every scope asked for (required_scope; empty asks for nothing more) and live
-- until live_until (the end of the current second). The rule is RotationRequest.applies(to:) in BatonCore; the
-- store contract tests hold the memory store, this procedure and the batch statement to it.
-- rotate_session stays, unused by this version, so instances not yet upgraded keep working while others roll.
CREATE PROCEDURE rotate_session_if_allowed(
    successor_hash bytea, rotated_at timestamptz, idle_until timestamptz, tenant uuid, session uuid, client text,
    presented_generation integer, presented_hash bytea, required_scope text[], live_until timestamptz,
    OUT rotated_session_id uuid, OUT rotated_user_id uuid, OUT rotated_client_id text, OUT rotated_scope text[],
    OUT rotated_audience text[], OUT rotated_created_at timestamptz, OUT rotated_absolute_expires_at timestamptz,
    OUT rotated_idle_expires_at timestamptz, OUT rotated_generation integer, OUT rotated_current_hash bytea,
    OUT rotated_last_rotated_at timestamptz, OUT rotated_revoked_at timestamptz, OUT rotated_revoke_reason text,
    OUT rotated_user_agent text, OUT rotated_ip_address text)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions
    SET generation = generation + 1, current_hash = successor_hash, last_rotated_at = rotated_at,
        idle_expires_at = LEAST(idle_until, absolute_expires_at)
    WHERE tenant_id = tenant AND session_id = session AND client_id = client AND generation = presented_generation
        AND current_hash = presented_hash AND revoked_at IS NULL AND idle_expires_at >= live_until
        AND absolute_expires_at >= live_until AND scope @> required_scope
    RETURNING session_id, user_id, client_id, scope, audience, created_at, absolute_expires_at, idle_expires_at,
        generation, current_hash, last_rotated_at, revoked_at, revoke_reason, user_agent, ip_address
    INTO rotated_session_id, rotated_user_id, rotated_client_id, rotated_scope, rotated_audience, rotated_created_at,
        rotated_absolute_expires_at, rotated_idle_expires_at, rotated_generation, rotated_current_hash,
        rotated_last_rotated_at, rotated_revoked_at, rotated_revoke_reason, rotated_user_agent, rotated_ip_address;
    COMMIT;
END
$$;
