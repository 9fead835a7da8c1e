import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func signingKeys(tenantID: TenantID) async throws -> [SigningKey] {
        try await translatingErrors {
            let rows = try await client.query(
                """
                SELECT kid, alg, state, public_jwk::text, sealed_private_key, master_key_id, created_at, activated_at,
                    retiring_at, retired_at, revoked_at
                FROM signing_keys WHERE tenant_id = \(tenantID.uuid)
                ORDER BY created_at, kid
                """,
                logger: logger
            )
            var keys: [SigningKey] = []
            let decoded = rows.decode((String, String, String, String, Data?, String?, Date, Date?, Date?, Date?, Date?).self)
            for try await (kid, alg, state, jwk, sealed, masterKeyID, created, activated, retiring, retired, revoked) in decoded {
                guard let state = SigningKeyState(rawValue: state) else { throw BatonError.storeFailure }
                let publicJWK = try JSONDecoder().decode(PublicJWK.self, from: Data(jwk.utf8))
                let sealedKey = zip(sealed, masterKeyID).map { SealedSecret(masterKeyID: $0.1, combined: $0.0) }
                keys.append(
                    SigningKey(
                        tenantID: tenantID, kid: kid, algorithm: try SigningAlgorithm(parsing: alg), state: state, publicJWK: publicJWK,
                        sealedPrivateKey: sealedKey, createdAt: created, activatedAt: activated, retiringAt: retiring,
                        retiredAt: retired, revokedAt: revoked
                    )
                )
            }
            return keys
        }
    }

    static func insert(_ key: SigningKey, on connection: PostgresConnection, logger: Logger) async throws {
        let jwk = String(decoding: try JSONEncoder().encode(key.publicJWK), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO signing_keys (tenant_id, kid, alg, state, public_jwk, sealed_private_key, master_key_id, created_at,
                activated_at, retiring_at, retired_at, revoked_at)
            VALUES (\(key.tenantID.uuid), \(key.kid), \(key.algorithm.rawValue), \(key.state.rawValue), \(jwk)::jsonb,
                \(key.sealedPrivateKey?.combined), \(key.sealedPrivateKey?.masterKeyID), \(key.createdAt), \(key.activatedAt),
                \(key.retiringAt), \(key.retiredAt), \(key.revokedAt))
            """,
            logger: logger
        )
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
