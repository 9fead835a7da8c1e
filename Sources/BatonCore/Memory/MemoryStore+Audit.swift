import Foundation

extension MemoryStore {
    public func appendAuditEvent(_ event: AuditEvent) throws {
        guard tenantsByID[event.tenantID] != nil else { throw BatonError.notFound("no such tenant") }
        nextAuditID += 1
        auditEvents.append(
            AuditEvent(
                id: nextAuditID,
                tenantID: event.tenantID,
                kind: event.kind,
                occurredAt: event.occurredAt,
                actor: event.actor,
                sessionID: event.sessionID,
                userID: event.userID,
                clientID: event.clientID,
                sourceIP: event.sourceIP,
                details: event.details
            )
        )
    }

    public func auditEvents(tenantID: TenantID, kind: AuditEvent.Kind?, before: Int64?, limit: Int) -> [AuditEvent] {
        auditEvents.reversed()
            .filter { $0.tenantID == tenantID && (kind == nil || $0.kind == kind) && (before == nil || ($0.id ?? 0) < (before ?? 0)) }
            .prefix(max(0, limit))
            .map { $0 }
    }

    public func loginFailures(tenantID: TenantID, keys: [String], now: Date, window: Int) -> [String: Int] {
        var counts: [String: Int] = [:]
        for key in keys {
            if let entry = loginFailures[ThrottleKey(tenantID: tenantID, key: key)], entry.windowStart > now.addingTimeInterval(-TimeInterval(window))
            {
                counts[key] = entry.failures
            } else {
                counts[key] = 0
            }
        }
        return counts
    }

    public func reserveLoginAttempt(tenantID: TenantID, limits: [String: Int], now: Date, window: Int) -> Bool {
        let since = now.addingTimeInterval(-TimeInterval(window))
        // Each key's current window, or a new one starting now.
        let current = limits.keys.map { key -> (id: ThrottleKey, windowStart: Date, count: Int) in
            let id = ThrottleKey(tenantID: tenantID, key: key)
            guard let entry = loginFailures[id], entry.windowStart > since else { return (id, now, 0) }
            return (id, entry.windowStart, entry.failures)
        }
        guard current.allSatisfy({ $0.count < limits[$0.id.key, default: 0] }) else { return false }
        for entry in current { loginFailures[entry.id] = (entry.windowStart, entry.count + 1) }
        return true
    }

    public func releaseLoginAttempt(tenantID: TenantID, keys: [String], now: Date, window: Int) {
        let since = now.addingTimeInterval(-TimeInterval(window))
        for key in keys {
            let id = ThrottleKey(tenantID: tenantID, key: key)
            if let entry = loginFailures[id], entry.windowStart > since, entry.failures > 0 {
                loginFailures[id] = (entry.windowStart, entry.failures - 1)
            }
        }
    }

    public func clearLoginFailures(tenantID: TenantID, keys: [String]) {
        for key in keys { loginFailures[ThrottleKey(tenantID: tenantID, key: key)] = nil }
    }
}

struct ThrottleKey: Hashable {
    let tenantID: TenantID
    let key: String
}
