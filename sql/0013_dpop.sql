-- Baton schema, part 13: DPoP (RFC 9449). A session may be bound to the key of its login's proof (RFC 7638
-- thumbprint); a client may require proofs of every login and refresh; every proof accepted is remembered until it
-- expires, so that it is used once, whichever instance sees it again.

ALTER TABLE sessions ADD COLUMN dpop_jkt text;
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens boolean NOT NULL DEFAULT false;

CREATE TABLE dpop_proofs (
    tenant_id  uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- SHA-256 of the proof key's thumbprint and the proof's jti (DPoPVerifier.replayKey).
    replay_key bytea       NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, replay_key)
);
CREATE INDEX dpop_proofs_expiry ON dpop_proofs (tenant_id, expires_at);

-- The rotation rule (0010) with the key: a session bound to a DPoP key rotates only for a proof by that key.
-- RotationRequest.applies(to:) states it for the memory store; the store contract tests hold the two to agree.
CREATE FUNCTION session_rotation_applies(
    s sessions, client text, presented_generation integer, presented_hash bytea, required_scope text[],
    live_until timestamptz, presented_jkt text
) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT s.client_id = client AND s.generation = presented_generation AND s.current_hash = presented_hash
        AND s.revoked_at IS NULL AND s.idle_expires_at >= live_until AND s.absolute_expires_at >= live_until
        AND s.scope @> required_scope AND (s.dpop_jkt IS NULL OR s.dpop_jkt = presented_jkt)
$$;

-- Instances of the version before call the rule without a key while others roll: it now says what the rule says
-- for no proof, so they never rotate a bound session.
CREATE OR REPLACE FUNCTION session_rotation_applies(
    s sessions, client text, presented_generation integer, presented_hash bytea, required_scope text[],
    live_until timestamptz
) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT session_rotation_applies(s, client, presented_generation, presented_hash, required_scope, live_until, NULL)
$$;

-- The single rotation (0010's procedure) with the proof's key in and the session's binding out.
CREATE PROCEDURE rotate_session_if_allowed(
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
        idle_expires_at = rotated_idle_expiry(idle_until, s.absolute_expires_at)
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
