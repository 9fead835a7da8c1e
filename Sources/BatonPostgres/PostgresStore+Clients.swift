import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createClient(_ client: Client) async throws {
        try await committedWrite { connection in
            try await connection.query(
                """
                INSERT INTO clients (tenant_id, client_id, name, client_type, secret_digest, grant_types, scopes, audiences, allowed_origins,
                    dpop_bound_access_tokens, created_at, updated_at)
                VALUES (\(client.tenantID.uuid), \(client.clientID), \(client.name), \(client.kind.rawValue), \(client.secretDigest),
                    \(client.grantTypes), \(client.scopes), \(client.audiences), \(client.allowedOrigins), \(client.dpopBoundAccessTokens),
                    \(client.createdAt), \(client.updatedAt))
                """,
                logger: logger
            )
        }
    }

    public func client(tenantID: TenantID, clientID: String) async throws -> Client? {
        try await translatingErrors {
            let rows = try await self.client.query(
                """
                SELECT name, client_type, secret_digest, grant_types, scopes, audiences, allowed_origins, created_at, updated_at,
                    dpop_bound_access_tokens
                FROM clients WHERE tenant_id = \(tenantID.uuid) AND client_id = \(clientID)
                """,
                logger: logger
            )
            for try await (name, type, digest, grants, scopes, audiences, origins, created, updated, dpopBound) in rows.decode(
                (String, String, Data?, [String], [String], [String], [String], Date, Date, Bool).self
            ) {
                guard let kind = Client.Kind(rawValue: type) else { throw BatonError.storeFailure }
                return Client(
                    tenantID: tenantID,
                    clientID: clientID,
                    name: name,
                    kind: kind,
                    secretDigest: digest,
                    grantTypes: grants,
                    scopes: scopes,
                    audiences: audiences,
                    allowedOrigins: origins,
                    createdAt: created,
                    updatedAt: updated,
                    dpopBoundAccessTokens: dpopBound
                )
            }
            return nil
        }
    }
}

extension PostgresStore {
    public func clients(tenantID: TenantID, after: String?, limit: Int) async throws -> [Client] {
        try await translatingErrors {
            let rows = try await self.client.query(
                """
                SELECT client_id, name, client_type, secret_digest, grant_types, scopes, audiences, allowed_origins, created_at, updated_at,
                    dpop_bound_access_tokens
                FROM clients WHERE tenant_id = \(tenantID.uuid) AND client_id > \(after ?? "") ORDER BY client_id LIMIT \(limit)
                """,
                logger: logger
            )
            var clients: [Client] = []
            for try await (clientID, name, type, digest, grants, scopes, audiences, origins, created, updated, dpopBound) in rows.decode(
                (String, String, String, Data?, [String], [String], [String], [String], Date, Date, Bool).self
            ) {
                guard let kind = Client.Kind(rawValue: type) else { throw BatonError.storeFailure }
                clients.append(
                    Client(
                        tenantID: tenantID,
                        clientID: clientID,
                        name: name,
                        kind: kind,
                        secretDigest: digest,
                        grantTypes: grants,
                        scopes: scopes,
                        audiences: audiences,
                        allowedOrigins: origins,
                        createdAt: created,
                        updatedAt: updated,
                        dpopBoundAccessTokens: dpopBound
                    )
                )
            }
            return clients
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
                        dpop_bound_access_tokens = \(client.dpopBoundAccessTokens), updated_at = \(client.updatedAt)
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
