import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createClient(_ client: Client) async throws {
        try await translatingErrors {
            try await self.client.query(
                """
                INSERT INTO clients (tenant_id, client_id, name, client_type, secret_digest, grant_types, scopes, audiences, created_at, updated_at)
                VALUES (\(client.tenantID.uuid), \(client.clientID), \(client.name), \(client.kind.rawValue), \(client.secretDigest),
                    \(client.grantTypes), \(client.scopes), \(client.audiences), \(client.createdAt), \(client.updatedAt))
                """,
                logger: logger
            )
        }
    }

    public func client(tenantID: TenantID, clientID: String) async throws -> Client? {
        try await translatingErrors {
            let rows = try await self.client.query(
                """
                SELECT name, client_type, secret_digest, grant_types, scopes, audiences, created_at, updated_at
                FROM clients WHERE tenant_id = \(tenantID.uuid) AND client_id = \(clientID)
                """,
                logger: logger
            )
            for try await (name, type, digest, grants, scopes, audiences, created, updated) in rows.decode(
                (String, String, Data?, [String], [String], [String], Date, Date).self
            ) {
                guard let kind = Client.Kind(rawValue: type) else { throw BatonError.storeFailure }
                return Client(
                    tenantID: tenantID, clientID: clientID, name: name, kind: kind, secretDigest: digest, grantTypes: grants, scopes: scopes,
                    audiences: audiences, createdAt: created, updatedAt: updated
                )
            }
            return nil
        }
    }
}
