-- Baton schema, part 5: the purge deletes a tenant's oldest audit events in batches; this index finds them
-- without reading other tenants' rows. It replaces the global time index, which only the purge would use.
CREATE INDEX audit_events_by_tenant_time ON audit_events (tenant_id, occurred_at);
DROP INDEX audit_events_by_time;
