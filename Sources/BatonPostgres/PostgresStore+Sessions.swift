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

    /// The rotation (see `RotationStatement`): the session after the update, once committed, or nil when nothing
    /// matched (then nothing changed, and no commit needs confirming).
    public func rotate(_ request: RotationRequest) async throws -> Session? {
        try await translatingErrors {
            try await client.withConnection { connection in
                var rotated: Session?
                for try await columns in try await connection.execute(RotationStatement(request: request), logger: logger) {
                    rotated = Self.session(columns, tenantID: request.tenantID)
                }
                if rotated != nil { try await confirmCommitted(on: connection) }
                return rotated
            }
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

    /// Each column cast to the type Baton decodes. A prepared statement (the rotation) keeps its result types, and
    /// PostgreSQL refuses to run it ("cached plan must not change result type") once a migration changes a returned
    /// column's type; the casts pin the result types, and a cast to a column's own type costs nothing.
    static let sessionColumnList = """
        session_id::uuid, user_id::uuid, client_id::text, scope::text[], audience::text[], created_at::timestamptz,
        absolute_expires_at::timestamptz, idle_expires_at::timestamptz, generation::integer, current_hash::bytea,
        last_rotated_at::timestamptz, revoked_at::timestamptz, revoke_reason::text, user_agent::text, ip_address::text
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
