/// Persistence of the audit trail.
public protocol AuditStore: Sendable {
    func appendAuditEvent(_ event: AuditEvent) async throws
    /// Newest first; only events with id below `before` when given; of one kind when given.
    func auditEvents(tenantID: TenantID, kind: AuditEvent.Kind?, before: Int64?, limit: Int) async throws -> [AuditEvent]
}
