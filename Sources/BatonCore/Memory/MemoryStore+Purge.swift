import Foundation

extension MemoryStore {
    public func purgeEndedSessions(tenantID: TenantID, endedBefore cutoff: Date, after: UUID?, limit: Int) -> SessionPurgeBatch {
        // Id order as PostgreSQL sorts uuids: byte order, which uppercase hex text keeps.
        let examined = sessions.values
            .filter { session in session.tenantID == tenantID && after.map { session.id.uuidString > $0.uuidString } ?? true }
            .sorted { $0.id.uuidString < $1.id.uuidString }
            .prefix(max(0, limit))
        var deleted = 0
        for session in examined where session.ended(before: cutoff) {
            sessions[session.id] = nil
            deleted += 1
        }
        return SessionPurgeBatch(deleted: deleted, examined: examined.count, lastExamined: examined.last?.id)
    }

    public func purgeAuditEvents(tenantID: TenantID, occurredBefore cutoff: Date, limit: Int) -> Int {
        var budget = max(0, limit)
        auditEvents.removeAll { event in
            guard budget > 0, event.tenantID == tenantID, event.occurredAt < cutoff else { return false }
            budget -= 1
            return true
        }
        return max(0, limit) - budget
    }

    public func purgeLoginFailures(tenantID: TenantID, windowStartedBefore cutoff: Date, limit: Int) -> Int {
        let stale = loginFailures.filter { $0.key.tenantID == tenantID && $0.value.windowStart < cutoff }.keys.prefix(max(0, limit))
        for key in stale { loginFailures[key] = nil }
        return stale.count
    }
}
