-- Baton schema, part 14: a cap on each user's live sessions per tenant. Enforced by the store when a login creates a
-- session (PostgresStore.createSession(_:within:)), under a lock on the user's row so that concurrent logins on
-- any instance take their turn; the rule of what to evict is Swift's (SessionLimit.evictions).

ALTER TABLE tenants ADD COLUMN max_sessions_per_user integer NOT NULL DEFAULT 0 CHECK (max_sessions_per_user >= 0);
ALTER TABLE tenants ADD COLUMN on_session_limit text NOT NULL DEFAULT 'reject' CHECK (on_session_limit IN ('reject', 'evict_oldest'));
