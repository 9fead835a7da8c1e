import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createSession(_ session: Session) async throws {
        try await translatingErrors {
            try await client.query(
                """
                INSERT INTO sessions (tenant_id, session_id, user_id, client_id, scope, audience, created_at, absolute_expires_at,
                    idle_expires_at, generation, current_hash, last_rotated_at, revoked_at, revoke_reason, user_agent, ip_address)
                VALUES (\(session.tenantID.uuid), \(session.id), \(session.userID), \(session.clientID), \(session.scope),
                    \(session.audience), \(session.createdAt), \(session.absoluteExpiresAt), \(session.idleExpiresAt),
                    \(session.generation), \(session.currentHash), \(session.lastRotatedAt), \(session.revokedAt),
                    \(session.revokeReason), \(session.userAgent), \(session.ipAddress))
                """,
                logger: logger
            )
        }
    }

    public func session(tenantID: TenantID, id: UUID) async throws -> Session? {
        try await translatingErrors {
            let rows = try await client.query(
                "\(unescaped: Self.sessionColumns) FROM sessions WHERE tenant_id = \(tenantID.uuid) AND session_id = \(id)", logger: logger
            )
            return try await Self.decodeSessions(rows, tenantID: tenantID).first
        }
    }

    /// The rotation: one UPDATE on one row found by primary key. Concurrent presenters of one token are
    /// serialised by the row lock, and only the first still matches generation and hash.
    public func rotate(_ request: RotationRequest) async throws -> Session? {
        try await translatingErrors {
            let rows = try await client.query(
                """
                UPDATE sessions
                SET generation = generation + 1, current_hash = \(request.successorHash), last_rotated_at = \(request.now),
                    idle_expires_at = LEAST(\(request.idleExpiresAt), absolute_expires_at)
                WHERE tenant_id = \(request.tenantID.uuid) AND session_id = \(request.sessionID) AND client_id = \(request.clientID)
                    AND generation = \(request.presentedGeneration) AND current_hash = \(request.presentedHash)
                    AND revoked_at IS NULL AND idle_expires_at > \(request.now) AND absolute_expires_at > \(request.now)
                RETURNING \(unescaped: Self.sessionColumnList)
                """,
                logger: logger
            )
            return try await Self.decodeSessions(rows, tenantID: request.tenantID).first
        }
    }

    public func revokeSession(tenantID: TenantID, id: UUID, reason: String, at: Date) async throws -> Bool {
        try await translatingErrors {
            let rows = try await client.query(
                """
                UPDATE sessions SET revoked_at = \(at), revoke_reason = \(reason)
                WHERE tenant_id = \(tenantID.uuid) AND session_id = \(id) AND revoked_at IS NULL
                RETURNING session_id
                """,
                logger: logger
            )
            var revoked = false
            for try await _ in rows { revoked = true }
            return revoked
        }
    }

    static let sessionColumnList = """
        session_id, user_id, client_id, scope, audience, created_at, absolute_expires_at, idle_expires_at, generation,
        current_hash, last_rotated_at, revoked_at, revoke_reason, user_agent, ip_address
        """
    static let sessionColumns = "SELECT \(sessionColumnList)"

    static func decodeSessions(_ rows: PostgresRowSequence, tenantID: TenantID) async throws -> [Session] {
        var sessions: [Session] = []
        let decoded = rows.decode(
            (UUID, UUID, String, [String], [String], Date, Date, Date, Int, Data, Date?, Date?, String?, String?, String?).self
        )
        for try await (id, user, client, scope, audience, created, absolute, idle, generation, hash, rotated, revoked, reason, agent, ip) in decoded {
            sessions.append(
                Session(
                    tenantID: tenantID, id: id, userID: user, clientID: client, scope: scope, audience: audience, createdAt: created,
                    absoluteExpiresAt: absolute, idleExpiresAt: idle, generation: generation, currentHash: hash, lastRotatedAt: rotated,
                    revokedAt: revoked, revokeReason: reason, userAgent: agent, ipAddress: ip
                )
            )
        }
        return sessions
    }
}

extension PostgresStore {
    public func sessions(tenantID: TenantID, userID: UUID, now: Date) async throws -> [Session] {
        try await translatingErrors {
            let rows = try await client.query(
                """
                \(unescaped: Self.sessionColumns) FROM sessions
                WHERE tenant_id = \(tenantID.uuid) AND user_id = \(userID) AND revoked_at IS NULL AND absolute_expires_at > \(now)
                ORDER BY created_at DESC, session_id DESC
                """,
                logger: logger
            )
            return try await Self.decodeSessions(rows, tenantID: tenantID)
        }
    }

    public func revokeSessions(tenantID: TenantID, userID: UUID, reason: String, at: Date) async throws -> Int {
        try await translatingErrors {
            let rows = try await client.query(
                """
                UPDATE sessions SET revoked_at = \(at), revoke_reason = \(reason)
                WHERE tenant_id = \(tenantID.uuid) AND user_id = \(userID) AND revoked_at IS NULL
                RETURNING session_id
                """,
                logger: logger
            )
            var count = 0
            for try await _ in rows { count += 1 }
            return count
        }
    }
}
