-- Baton schema, part 6: the refresh rotation as a procedure that commits before it answers.
-- Over the extended protocol a plain UPDATE is answered before its implicit commit, so Baton had to send a second
-- statement and wait for it to learn that the rotation was committed. CALLed on its own (autocommit), this procedure
-- runs the same single-row UPDATE, then COMMIT (which, with synchronous_commit on, returns once the WAL is flushed),
-- and only then sends its OUT values: an answer means a committed rotation, in one round trip.
-- The UPDATE succeeds only for the presented generation and hash of a live, unexpired session, found by primary key;
-- concurrent presenters of one token are serialised by the row lock and only the first still matches.
-- When nothing matched, every OUT value is NULL.
CREATE PROCEDURE rotate_session(
    successor_hash bytea, rotated_at timestamptz, idle_until timestamptz, tenant uuid, session uuid, client text,
    presented_generation integer, presented_hash bytea,
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
        AND current_hash = presented_hash AND revoked_at IS NULL AND idle_expires_at > rotated_at
        AND absolute_expires_at > rotated_at
    RETURNING session_id, user_id, client_id, scope, audience, created_at, absolute_expires_at, idle_expires_at,
        generation, current_hash, last_rotated_at, revoked_at, revoke_reason, user_agent, ip_address
    INTO rotated_session_id, rotated_user_id, rotated_client_id, rotated_scope, rotated_audience, rotated_created_at,
        rotated_absolute_expires_at, rotated_idle_expires_at, rotated_generation, rotated_current_hash,
        rotated_last_rotated_at, rotated_revoked_at, rotated_revoke_reason, rotated_user_agent, rotated_ip_address;
    COMMIT;
END
$$;
