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

    public func adminKeys(tenantID: TenantID) async throws -> [AdminKey] {
        try await translatingErrors {
            let rows = try await client.query(
                "SELECT id, digest, created_at FROM admin_keys WHERE tenant_id = \(tenantID.uuid) ORDER BY created_at, id",
                logger: logger
            )
            var keys: [AdminKey] = []
            for try await (id, digest, created) in rows.decode((UUID, Data, Date).self) {
                keys.append(AdminKey(id: id, tenantID: tenantID, digest: digest, createdAt: created))
            }
            return keys
        }
    }

    public func deleteAdminKey(tenantID: TenantID, id: UUID) async throws -> Bool {
        try await committedWrite { [logger] connection in
            try await connection.query("DELETE FROM admin_keys WHERE tenant_id = \(tenantID.uuid) AND id = \(id) RETURNING id", logger: logger)
                .count() > 0
        }
    }
}
