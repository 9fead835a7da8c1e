import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// One INSERT on the primary key: of two instances seeing the same proof at once, exactly one inserts it.
    public func recordDPoPProof(tenantID: TenantID, replayKey: Data, expiresAt: Date) async throws -> Bool {
        try await committedWrite { [logger] connection in
            try await connection.query(
                """
                INSERT INTO dpop_proofs (tenant_id, replay_key, expires_at) VALUES (\(tenantID.uuid), \(replayKey), \(expiresAt))
                ON CONFLICT (tenant_id, replay_key) DO NOTHING RETURNING 1
                """,
                logger: logger
            ).count() == 1
        }
    }
}
