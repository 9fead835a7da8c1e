-- Baton schema, part 9: refresh tokens carry a chain proof, and sessions started before keep their legacy head.
-- Deciding whether a presented token was forged, is a spent ancestor (reuse), or is a grace retry used to derive
-- forward from it, one HMAC per generation of lag: a CPU amplifier for anyone who pushes their own session far
-- ahead. Tokens now carry a proof (an HMAC under a key derived from the sealed chain key, over session id,
-- generation and secret; RefreshChain in BatonCore) that decides it in constant time. Tokens issued before this
-- migration carry none; for them, each live session's generation and current hash at this moment are kept here, so
-- one of its old tokens is still recognised as an ancestor by deriving forward to this fixed head (bounded by
-- RefreshChain.maxLegacySteps), however far the session moves on. Sessions started from now on get no row.
CREATE TABLE legacy_chain_heads (
    tenant_id    uuid    NOT NULL,
    session_id   uuid    NOT NULL,
    generation   integer NOT NULL CHECK (generation >= 0),
    current_hash bytea   NOT NULL CHECK (octet_length(current_hash) = 32),
    PRIMARY KEY (tenant_id, session_id),
    FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, session_id) ON DELETE CASCADE
);

INSERT INTO legacy_chain_heads (tenant_id, session_id, generation, current_hash)
SELECT tenant_id, session_id, generation, current_hash FROM sessions WHERE revoked_at IS NULL;
