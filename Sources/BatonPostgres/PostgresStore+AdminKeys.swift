import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createAdminKey(_ key: AdminKey) async throws {
        try await committedWrite { connection in
            try await connection.query(
                "INSERT INTO admin_keys (id, tenant_id, digest, created_at) VALUES (\(key.id), \(key.tenantID?.uuid), \(key.digest), \(key.createdAt))",
                logger: logger
            )
        }
    }

    public func adminKey(digest: Data) async throws -> AdminKey? {
        try await translatingErrors {
            let rows = try await client.query("SELECT id, tenant_id, created_at FROM admin_keys WHERE digest = \(digest)", logger: logger)
            for try await (id, tenantID, created) in rows.decode((UUID, UUID?, Date).self) {
                return AdminKey(id: id, tenantID: tenantID.map(TenantID.init), digest: digest, createdAt: created)
            }
            return nil
        }
    }
}
