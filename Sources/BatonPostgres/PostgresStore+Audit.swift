import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func appendAuditEvent(_ event: AuditEvent) async throws {
        try await committedWrite { connection in
            let details = String(decoding: try JSONEncoder().encode(event.details), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO audit_events (tenant_id, event_type, occurred_at, actor, session_id, user_id, client_id, source_ip, details)
                VALUES (\(event.tenantID.uuid), \(event.kind.rawValue), \(event.occurredAt), \(event.actor), \(event.sessionID),
                    \(event.userID), \(event.clientID), \(event.sourceIP), \(details)::jsonb)
                """,
                logger: logger
            )
        }
    }

    public func auditEvents(tenantID: TenantID, kind: AuditEvent.Kind?, before: Int64?, limit: Int) async throws -> [AuditEvent] {
        try await translatingErrors {
            let rows = try await client.query(
                """
                SELECT id, event_type, occurred_at, actor, session_id, user_id, client_id, source_ip, details::text FROM audit_events
                WHERE tenant_id = \(tenantID.uuid) AND (\(kind?.rawValue)::text IS NULL OR event_type = \(kind?.rawValue))
                    AND (\(before)::bigint IS NULL OR id < \(before))
                ORDER BY id DESC LIMIT \(limit)
                """,
                logger: logger
            )
            var events: [AuditEvent] = []
            for try await (id, type, occurred, actor, session, user, client, ip, details) in rows.decode(
                (Int64, String, Date, String, UUID?, UUID?, String?, String?, String).self
            ) {
                guard let kind = AuditEvent.Kind(rawValue: type) else { continue }
                let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:]
                events.append(
                    AuditEvent(
                        id: id,
                        tenantID: tenantID,
                        kind: kind,
                        occurredAt: occurred,
                        actor: actor,
                        sessionID: session,
                        userID: user,
                        clientID: client,
                        sourceIP: ip,
                        details: decoded
                    )
                )
            }
            return events
        }
    }

    public func loginFailures(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws -> [String: Int] {
        try await translatingErrors {
            let since = now.addingTimeInterval(-TimeInterval(window))
            let rows = try await client.query(
                """
                SELECT throttle_key, failures FROM login_failures
                WHERE tenant_id = \(tenantID.uuid) AND throttle_key = ANY(\(keys)) AND window_start > \(since)
                """,
                logger: logger
            )
            var counts = Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) })
            for try await (key, failures) in rows.decode((String, Int).self) { counts[key] = failures }
            return counts
        }
    }

    /// `reserve_login_attempt` (migration 0008): locks the keys' rows in one order, then counts or refuses, in
    /// one statement.
    public func reserveLoginAttempt(tenantID: TenantID, limits: [String: Int], now: Date, window: Int) async throws -> Bool {
        let keys = limits.keys.sorted()
        let since = now.addingTimeInterval(-TimeInterval(window))
        return try await committedWrite { [logger] connection in
            let rows = try await connection.query(
                "SELECT reserve_login_attempt(\(tenantID.uuid), \(keys), \(keys.map { Int32(clamping: limits[$0, default: 0]) }), \(now), \(since))",
                logger: logger
            )
            var reserved = false
            for try await value in rows.decode(Bool.self) { reserved = value }
            return reserved
        }
    }

    public func releaseLoginAttempt(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws {
        let since = now.addingTimeInterval(-TimeInterval(window))
        try await committedWrite { [logger] connection in
            try await connection.query(
                """
                UPDATE login_failures SET failures = failures - 1
                WHERE tenant_id = \(tenantID.uuid) AND throttle_key = ANY(\(keys)) AND window_start > \(since) AND failures > 0
                """,
                logger: logger
            )
        }
    }

    public func clearLoginFailures(tenantID: TenantID, keys: [String]) async throws {
        try await committedWrite { connection in
            try await connection.query(
                "DELETE FROM login_failures WHERE tenant_id = \(tenantID.uuid) AND throttle_key = ANY(\(keys))",
                logger: logger
            )
        }
    }
}
