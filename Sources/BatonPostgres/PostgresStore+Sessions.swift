import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createSession(_ session: Session) async throws {
        try await translatingErrors {
            try await committed { connection in
                try await connection.query(
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
    }

    public func session(tenantID: TenantID, id: UUID) async throws -> Session? {
        try await translatingErrors {
            let rows = try await client.query(
                "\(unescaped: Self.sessionColumns) FROM sessions WHERE tenant_id = \(tenantID.uuid) AND session_id = \(id)", logger: logger
            )
            return try await Self.decodeSessions(rows, tenantID: tenantID).first
        }
    }

    /// The rotation (see `RotationStatement`): the session after the update, or nil when nothing matched. The
    /// procedure commits before it answers, so an answer needs no commit barrier.
    public func rotate(_ request: RotationRequest) async throws -> Session? {
        try await translatingErrors {
            var rotated: Session?
            for try await row in try await client.execute(RotationStatement(request: request), logger: logger) {
                rotated = RotationStatement.session(row, tenantID: request.tenantID)
            }
            return rotated
        }
    }

    public func revokeSession(tenantID: TenantID, id: UUID, reason: String, at: Date) async throws -> Bool {
        try await translatingErrors {
            try await committed { connection in
                let rows = try await connection.query(
                    """
                    UPDATE sessions SET revoked_at = \(at), revoke_reason = \(reason)
                    WHERE tenant_id = \(tenantID.uuid) AND session_id = \(id) AND revoked_at IS NULL
                    RETURNING session_id
                    """,
                    logger: logger
                )
                return try await rows.count() > 0
            }
        }
    }

    /// The columns Baton reads of a session, in the order of `SessionColumns` (and of `rotate_session`'s OUT values).
    static let sessionColumnList = """
        session_id, user_id, client_id, scope, audience, created_at, absolute_expires_at, idle_expires_at, generation,
        current_hash, last_rotated_at, revoked_at, revoke_reason, user_agent, ip_address
        """
    static let sessionColumns = "SELECT \(sessionColumnList)"

    /// A row of `sessionColumnList`, in that order.
    typealias SessionColumns = (UUID, UUID, String, [String], [String], Date, Date, Date, Int, Data, Date?, Date?, String?, String?, String?)

    static func decodeSessions(_ rows: PostgresRowSequence, tenantID: TenantID) async throws -> [Session] {
        var sessions: [Session] = []
        for try await columns in rows.decode(SessionColumns.self) {
            sessions.append(session(columns, tenantID: tenantID))
        }
        return sessions
    }

    static func session(_ columns: SessionColumns, tenantID: TenantID) -> Session {
        let (id, user, client, scope, audience, created, absolute, idle, generation, hash, rotated, revoked, reason, agent, ip) = columns
        return Session(
            tenantID: tenantID, id: id, userID: user, clientID: client, scope: scope, audience: audience, createdAt: created,
            absoluteExpiresAt: absolute, idleExpiresAt: idle, generation: generation, currentHash: hash, lastRotatedAt: rotated,
            revokedAt: revoked, revokeReason: reason, userAgent: agent, ipAddress: ip
        )
    }
}

extension PostgresStore {
    public func sessions(tenantID: TenantID, userID: UUID, now: Date) async throws -> [Session] {
        try await translatingErrors {
            let rows = try await client.query(
                """
                \(unescaped: Self.sessionColumns) FROM sessions
                WHERE tenant_id = \(tenantID.uuid) AND user_id = \(userID) AND revoked_at IS NULL AND idle_expires_at > \(now) AND absolute_expires_at > \(now)
                ORDER BY created_at DESC, session_id DESC
                """,
                logger: logger
            )
            return try await Self.decodeSessions(rows, tenantID: tenantID)
        }
    }

    public func revokeSessions(tenantID: TenantID, userID: UUID, reason: String, at: Date) async throws -> Int {
        try await translatingErrors {
            try await committed { connection in
                let rows = try await connection.query(
                    """
                    UPDATE sessions SET revoked_at = \(at), revoke_reason = \(reason)
                    WHERE tenant_id = \(tenantID.uuid) AND user_id = \(userID) AND revoked_at IS NULL
                    RETURNING session_id
                    """,
                    logger: logger
                )
                return try await rows.count()
            }
        }
    }
}
