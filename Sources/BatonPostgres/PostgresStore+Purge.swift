import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// One statement: pick the next `limit` session ids by primary key, delete the ended ones among them. Ended
    /// sessions are found by columns without an index (idle expiry changes on every refresh, and an index on it
    /// would cost every rotation its HOT update), so a pass walks the tenant's sessions once, in id order. The idle
    /// expiry never passes the absolute one (a CHECK constraint), so it alone says when an unrevoked session ended.
    public func purgeEndedSessions(tenantID: TenantID, endedBefore cutoff: Date, after: UUID?, limit: Int) async throws -> SessionPurgeBatch {
        try await translatingErrors {
            let rows = try await client.query(
                """
                WITH examined AS (
                    SELECT session_id FROM sessions
                    WHERE tenant_id = \(tenantID.uuid) AND (\(after)::uuid IS NULL OR session_id > \(after))
                    ORDER BY session_id LIMIT \(limit)
                ), deleted AS (
                    DELETE FROM sessions AS s USING examined AS e
                    WHERE s.tenant_id = \(tenantID.uuid) AND s.session_id = e.session_id
                        AND (s.idle_expires_at < \(cutoff) OR s.revoked_at < \(cutoff))
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM deleted), (SELECT count(*) FROM examined),
                    (SELECT session_id FROM examined ORDER BY session_id DESC LIMIT 1)
                """,
                logger: logger
            )
            var batch = SessionPurgeBatch(deleted: 0, examined: 0, lastExamined: nil)
            for try await (deleted, examined, last) in rows.decode((Int, Int, UUID?).self) {
                batch = SessionPurgeBatch(deleted: deleted, examined: examined, lastExamined: last)
            }
            return batch
        }
    }

    public func purgeAuditEvents(tenantID: TenantID, occurredBefore cutoff: Date, limit: Int) async throws -> Int {
        try await translatingErrors {
            try await client.query(
                """
                DELETE FROM audit_events WHERE tenant_id = \(tenantID.uuid) AND id IN (
                    SELECT id FROM audit_events WHERE tenant_id = \(tenantID.uuid) AND occurred_at < \(cutoff) ORDER BY occurred_at LIMIT \(limit)
                ) RETURNING 1
                """,
                logger: logger
            ).count()
        }
    }

    public func purgeLoginFailures(tenantID: TenantID, windowStartedBefore cutoff: Date, limit: Int) async throws -> Int {
        try await translatingErrors {
            try await client.query(
                """
                DELETE FROM login_failures WHERE tenant_id = \(tenantID.uuid) AND throttle_key IN (
                    SELECT throttle_key FROM login_failures WHERE tenant_id = \(tenantID.uuid) AND window_start < \(cutoff) LIMIT \(limit)
                ) RETURNING 1
                """,
                logger: logger
            ).count()
        }
    }

    public func purgeDPoPProofs(tenantID: TenantID, expiredBefore cutoff: Date, limit: Int) async throws -> Int {
        try await translatingErrors {
            try await client.query(
                """
                DELETE FROM dpop_proofs WHERE tenant_id = \(tenantID.uuid) AND replay_key IN (
                    SELECT replay_key FROM dpop_proofs WHERE tenant_id = \(tenantID.uuid) AND expires_at < \(cutoff) LIMIT \(limit)
                ) RETURNING 1
                """,
                logger: logger
            ).count()
        }
    }
}
