import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func chainKeys(tenantID: TenantID) async throws -> [ChainKey] {
        try await translatingErrors {
            let rows = try await client.query(
                "SELECT id, sealed_key, master_key_id, created_at FROM chain_keys WHERE tenant_id = \(tenantID.uuid) ORDER BY id",
                logger: logger
            )
            var keys: [ChainKey] = []
            for try await (id, sealed, masterKeyID, created) in rows.decode((Int, Data, String, Date).self) {
                keys.append(
                    ChainKey(tenantID: tenantID, id: id, sealedKey: SealedSecret(masterKeyID: masterKeyID, combined: sealed), createdAt: created)
                )
            }
            return keys
        }
    }
}
