import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createSession(_ session: Session) async throws {
        try await committedWrite { [logger] connection in try await Self.insert(session, on: connection, logger: logger) }
    }

    static func insert(_ session: Session, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO sessions (tenant_id, session_id, user_id, client_id, scope, audience, created_at, absolute_expires_at,
                idle_expires_at, generation, current_hash, last_rotated_at, revoked_at, revoke_reason, user_agent, ip_address, dpop_jkt,
                access_token_ttl, refresh_idle_ttl, refresh_absolute_ttl, reuse_grace)
            VALUES (\(session.tenantID.uuid), \(session.id), \(session.userID), \(session.clientID), \(session.scope),
                \(session.audience), \(session.createdAt), \(session.absoluteExpiresAt), \(session.idleExpiresAt),
                \(session.generation), \(session.currentHash), \(session.lastRotatedAt), \(session.revokedAt),
                \(session.revokeReason), \(session.userAgent), \(session.ipAddress), \(session.dpopJKT),
                \(session.lifetimes?.accessTokenTTL), \(session.lifetimes?.refreshIdleTTL), \(session.lifetimes?.refreshAbsoluteTTL),
                \(session.lifetimes?.reuseGrace))
            """,
            logger: logger
        )
    }

    /// The user's row is locked first: concurrent logins of one user, on any instance, count and evict in turn.
    public func createSession(_ session: Session, within limits: [SessionLimit]) async throws -> [Session]? {
        try await translatingErrors {
            try await leases.transaction(logger: logger) { [logger] connection in
                let tenant = session.tenantID.uuid
                let users = try await connection.query(
                    "SELECT user_id FROM users WHERE tenant_id = \(tenant) AND user_id = \(session.userID) FOR UPDATE",
                    logger: logger
                )
                guard try await users.count() == 1 else { throw BatonError.notFound("a record this one refers to does not exist") }
                let rows = try await connection.query(
                    """
                    \(unescaped: Self.sessionColumns) FROM sessions
                    WHERE tenant_id = \(tenant) AND user_id = \(session.userID) AND revoked_at IS NULL
                        AND idle_expires_at > \(session.createdAt) AND absolute_expires_at > \(session.createdAt)
                    ORDER BY created_at, session_id
                    """,
                    logger: logger
                )
                let live = try await Self.decodeSessions(rows, tenantID: session.tenantID)
                guard let evicted = SessionLimit.evictions(limits, live: live) else { return nil }
                if !evicted.isEmpty {
                    try await connection.query(
                        """
                        UPDATE sessions SET revoked_at = \(session.createdAt), revoke_reason = \(SessionLimit.evictionReason)
                        WHERE tenant_id = \(tenant) AND session_id = ANY(\(evicted.map(\.id))) AND revoked_at IS NULL
                        """,
                        logger: logger
                    )
                }
                try await Self.insert(session, on: connection, logger: logger)
                return evicted
            }
        }
    }

    public func session(tenantID: TenantID, id: UUID) async throws -> Session? {
        try await translatingErrors {
            let rows = try await client.query(
                "\(unescaped: Self.sessionColumns) FROM sessions WHERE tenant_id = \(tenantID.uuid) AND session_id = \(id)",
                logger: logger
            )
            return try await Self.decodeSessions(rows, tenantID: tenantID).first
        }
    }

    /// The rotation (see `RotationStatement`): the session after the update, or nil when nothing matched. The
    /// procedure commits before it answers, so an answer needs no commit barrier.
    /// With batching on, through `RotationBatcher`: the same outcome, in one statement with other refreshes.
    public func rotate(_ request: RotationRequest) async throws -> Session? {
        guard let rotationBatcher else {
            return try await translatingErrors {
                try await leases.rows(of: RotationStatement(request: request), pooling: pooling, logger: logger).last.flatMap {
                    RotationStatement.session($0, tenantID: request.tenantID)
                }
            }
        }
        // No deadline task per refresh: the batcher answers each caller within the deadline itself.
        return try await admitted(#function) { try await rotationBatcher.rotate(request) }
    }

    public func revokeSession(tenantID: TenantID, id: UUID, reason: String, at: Date) async throws -> Bool {
        try await revoking(
            """
            UPDATE sessions SET revoked_at = \(at), revoke_reason = \(reason)
            WHERE tenant_id = \(tenantID.uuid) AND session_id = \(id) AND revoked_at IS NULL
            RETURNING session_id
            """
        ) > 0
    }

    /// Runs a revoking `UPDATE … RETURNING session_id` and counts the sessions it revoked, once committed.
    private func revoking(_ update: PostgresQuery, operation: StaticString = #function) async throws -> Int {
        try await committedWrite(operation: operation) { [logger] connection in try await connection.query(update, logger: logger).count() }
    }

    /// The columns Baton reads of a session, in the order of `SessionColumns` (and of `rotate_session_with_lifetimes`'s
    /// OUT values).
    static let sessionColumnList = """
        session_id, user_id, client_id, scope, audience, created_at, absolute_expires_at, idle_expires_at, generation,
        current_hash, last_rotated_at, revoked_at, revoke_reason, user_agent, ip_address, dpop_jkt,
        access_token_ttl, refresh_idle_ttl, refresh_absolute_ttl, reuse_grace
        """
    static let sessionColumns = "SELECT \(sessionColumnList)"

    /// A row of `sessionColumnList`, in that order.
    typealias SessionColumns = (
        UUID, UUID, String, [String], [String], Date, Date, Date, Int, Data, Date?, Date?, String?, String?, String?, String?,
        Int?, Int?, Int?, Int?
    )

    static func decodeSessions(_ rows: PostgresRowSequence, tenantID: TenantID) async throws -> [Session] {
        var sessions: [Session] = []
        for try await columns in rows.decode(SessionColumns.self) {
            sessions.append(session(columns, tenantID: tenantID))
        }
        return sessions
    }

    static func session(_ c: SessionColumns, tenantID: TenantID) -> Session {
        var lifetimes: SessionLifetimes?
        if let access = c.16, let idle = c.17, let absolute = c.18, let grace = c.19 {
            lifetimes = SessionLifetimes(accessTokenTTL: access, refreshIdleTTL: idle, refreshAbsoluteTTL: absolute, reuseGrace: grace)
        }
        return Session(
            tenantID: tenantID,
            id: c.0,
            userID: c.1,
            clientID: c.2,
            scope: c.3,
            audience: c.4,
            createdAt: c.5,
            absoluteExpiresAt: c.6,
            idleExpiresAt: c.7,
            generation: c.8,
            currentHash: c.9,
            lastRotatedAt: c.10,
            revokedAt: c.11,
            revokeReason: c.12,
            userAgent: c.13,
            ipAddress: c.14,
            dpopJKT: c.15,
            lifetimes: lifetimes
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
        try await revoking(
            """
            UPDATE sessions SET revoked_at = \(at), revoke_reason = \(reason)
            WHERE tenant_id = \(tenantID.uuid) AND user_id = \(userID) AND revoked_at IS NULL
            RETURNING session_id
            """
        )
    }

    public func legacyChainHead(tenantID: TenantID, sessionID: UUID) async throws -> LegacyChainHead? {
        try await translatingErrors {
            let rows = try await client.query(
                "SELECT generation, current_hash FROM legacy_chain_heads WHERE tenant_id = \(tenantID.uuid) AND session_id = \(sessionID)",
                logger: logger
            )
            for try await (generation, hash) in rows.decode((Int, Data).self) { return LegacyChainHead(generation: generation, hash: hash) }
            return nil
        }
    }
}
