-- Baton schema, part 3: the audit trail and the shared brute-force counters.

CREATE TABLE audit_events (
    tenant_id   uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    -- Who acted: an admin key id, a user id, a client id, or 'scheduler'. Never a secret.
    actor       text        NOT NULL,
    session_id  uuid,
    user_id     uuid,
    client_id   text,
    source_ip   text,
    details     jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX audit_events_by_type ON audit_events (tenant_id, event_type, id DESC);
CREATE INDEX audit_events_by_time ON audit_events (occurred_at);

-- Failed logins per key (account, account+source, source) in fixed windows; shared by every instance.
CREATE TABLE login_failures (
    tenant_id    uuid        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    throttle_key text        NOT NULL,
    window_start timestamptz NOT NULL,
    failures     integer     NOT NULL CHECK (failures >= 0),
    PRIMARY KEY (tenant_id, throttle_key)
);
