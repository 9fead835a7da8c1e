import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createClient(_ client: Client) async throws {
        try await committedWrite { connection in
            try await connection.query(
                """
                INSERT INTO clients (tenant_id, client_id, name, client_type, secret_digest, grant_types, scopes, audiences, allowed_origins,
                    dpop_bound_access_tokens, created_at, updated_at, access_token_ttl, refresh_idle_ttl, refresh_absolute_ttl, reuse_grace,
                    max_sessions_per_user, on_session_limit)
                VALUES (\(client.tenantID.uuid), \(client.clientID), \(client.name), \(client.kind.rawValue), \(client.secretDigest),
                    \(client.grantTypes), \(client.scopes), \(client.audiences), \(client.allowedOrigins), \(client.dpopBoundAccessTokens),
                    \(client.createdAt), \(client.updatedAt), \(client.sessionPolicy.accessTokenTTL), \(client.sessionPolicy.refreshIdleTTL),
                    \(client.sessionPolicy.refreshAbsoluteTTL), \(client.sessionPolicy.reuseGrace), \(client.sessionPolicy.maxSessionsPerUser),
                    \(client.sessionPolicy.onSessionLimit.rawValue))
                """,
                logger: logger
            )
        }
    }

    public func client(tenantID: TenantID, clientID: String) async throws -> Client? {
        try await translatingErrors {
            let rows = try await self.client.query(
                "\(unescaped: Self.clientColumns) FROM clients WHERE tenant_id = \(tenantID.uuid) AND client_id = \(clientID)",
                logger: logger
            )
            return try await Self.decodeClients(rows, tenantID: tenantID).first
        }
    }

    /// The columns Baton reads of a client, in the order of `ClientColumns`.
    static let clientColumns = """
        SELECT client_id, name, client_type, secret_digest, grant_types, scopes, audiences, allowed_origins, created_at, updated_at,
            dpop_bound_access_tokens, access_token_ttl, refresh_idle_ttl, refresh_absolute_ttl, reuse_grace, max_sessions_per_user,
            on_session_limit
        """
    typealias ClientColumns = (
        String, String, String, Data?, [String], [String], [String], [String], Date, Date, Bool, Int?, Int?, Int?, Int?, Int?, String
    )

    static func decodeClients(_ rows: PostgresRowSequence, tenantID: TenantID) async throws -> [Client] {
        var clients: [Client] = []
        for try await c in rows.decode(ClientColumns.self) {
            guard let kind = Client.Kind(rawValue: c.2), let onLimit = SessionLimit.Action(rawValue: c.16) else { throw BatonError.storeFailure }
            clients.append(
                Client(
                    tenantID: tenantID,
                    clientID: c.0,
                    name: c.1,
                    kind: kind,
                    secretDigest: c.3,
                    grantTypes: c.4,
                    scopes: c.5,
                    audiences: c.6,
                    allowedOrigins: c.7,
                    createdAt: c.8,
                    updatedAt: c.9,
                    dpopBoundAccessTokens: c.10,
                    sessionPolicy: ClientSessionPolicy(
                        accessTokenTTL: c.11,
                        refreshIdleTTL: c.12,
                        refreshAbsoluteTTL: c.13,
                        reuseGrace: c.14,
                        maxSessionsPerUser: c.15,
                        onSessionLimit: onLimit
                    )
                )
            )
        }
        return clients
    }
}

extension PostgresStore {
    public func clients(tenantID: TenantID, after: String?, limit: Int) async throws -> [Client] {
        try await translatingErrors {
            let rows = try await self.client.query(
                """
                \(unescaped: Self.clientColumns) FROM clients
                WHERE tenant_id = \(tenantID.uuid) AND client_id > \(after ?? "") ORDER BY client_id LIMIT \(limit)
                """,
                logger: logger
            )
            return try await Self.decodeClients(rows, tenantID: tenantID)
        }
    }

    public func longestAccessTokenTTL(tenantID: TenantID) async throws -> Int? {
        try await translatingErrors {
            let rows = try await self.client.query("SELECT max(access_token_ttl) FROM clients WHERE tenant_id = \(tenantID.uuid)", logger: logger)
            for try await longest in rows.decode(Int?.self) { return longest }
            return nil
        }
    }

    public func allowedOrigins(tenantID: TenantID) async throws -> Set<String> {
        try await translatingErrors {
            let rows = try await self.client.query(
                "SELECT DISTINCT unnest(allowed_origins) FROM clients WHERE tenant_id = \(tenantID.uuid)",
                logger: logger
            )
            var origins: Set<String> = []
            for try await origin in rows.decode(String.self) { origins.insert(origin) }
            return origins
        }
    }

    public func updateClient(_ client: Client) async throws {
        try await translatingErrors {
            try await self.leases.transaction(logger: logger) { connection in
                let rows = try await connection.query(
                    """
                    UPDATE clients SET name = \(client.name), secret_digest = \(client.secretDigest), grant_types = \(client.grantTypes),
                        scopes = \(client.scopes), audiences = \(client.audiences), allowed_origins = \(client.allowedOrigins),
                        dpop_bound_access_tokens = \(client.dpopBoundAccessTokens), updated_at = \(client.updatedAt),
                        access_token_ttl = \(client.sessionPolicy.accessTokenTTL), refresh_idle_ttl = \(client.sessionPolicy.refreshIdleTTL),
                        refresh_absolute_ttl = \(client.sessionPolicy.refreshAbsoluteTTL), reuse_grace = \(client.sessionPolicy.reuseGrace),
                        max_sessions_per_user = \(client.sessionPolicy.maxSessionsPerUser),
                        on_session_limit = \(client.sessionPolicy.onSessionLimit.rawValue)
                    WHERE tenant_id = \(client.tenantID.uuid) AND client_id = \(client.clientID) RETURNING client_id
                    """,
                    logger: logger
                )
                guard try await rows.count() > 0 else { throw BatonError.notFound("no such client") }
                try await Self.notify(.client(client.tenantID, client.clientID), on: connection, logger: logger)
            }
        }
    }

    public func deleteClient(tenantID: TenantID, clientID: String) async throws -> Bool {
        try await translatingErrors {
            try await self.leases.transaction(logger: logger) { connection in
                let rows = try await connection.query(
                    "DELETE FROM clients WHERE tenant_id = \(tenantID.uuid) AND client_id = \(clientID) RETURNING client_id",
                    logger: logger
                )
                let deleted = try await rows.count() > 0
                if deleted { try await Self.notify(.client(tenantID, clientID), on: connection, logger: logger) }
                return deleted
            }
        }
    }
}
