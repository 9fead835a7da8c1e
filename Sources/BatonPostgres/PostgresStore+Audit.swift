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
                        id: id, tenantID: tenantID, kind: kind, occurredAt: occurred, actor: actor, sessionID: session, userID: user, clientID: client,
                        sourceIP: ip, details: decoded
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

    /// One statement per call: a new window where the old one is over, else one more failure in it.
    public func recordLoginFailure(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws {
        try await committedWrite { connection in
            let since = now.addingTimeInterval(-TimeInterval(window))
            try await connection.query(
                """
                INSERT INTO login_failures (tenant_id, throttle_key, window_start, failures)
                SELECT \(tenantID.uuid), key, \(now), 1 FROM unnest(\(keys)::text[]) AS key
                ON CONFLICT (tenant_id, throttle_key) DO UPDATE SET
                    failures = CASE WHEN login_failures.window_start > \(since) THEN login_failures.failures + 1 ELSE 1 END,
                    window_start = CASE WHEN login_failures.window_start > \(since) THEN login_failures.window_start ELSE \(now) END
                """,
                logger: logger
            )
        }
    }

    public func clearLoginFailures(tenantID: TenantID, keys: [String]) async throws {
        try await committedWrite { connection in
            try await connection.query("DELETE FROM login_failures WHERE tenant_id = \(tenantID.uuid) AND throttle_key = ANY(\(keys))", logger: logger)
        }
    }
}
