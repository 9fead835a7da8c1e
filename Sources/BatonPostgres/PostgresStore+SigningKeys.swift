import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func signingKeys(tenantID: TenantID) async throws -> [SigningKey] {
        try await translatingErrors {
            let rows = try await client.query(
                """
                SELECT kid, alg, state, public_jwk::text, sealed_private_key, master_key_id, created_at, activated_at,
                    retiring_at, retire_after, retired_at, revoked_at
                FROM signing_keys WHERE tenant_id = \(tenantID.uuid)
                ORDER BY created_at, kid
                """,
                logger: logger
            )
            var keys: [SigningKey] = []
            let decoded = rows.decode((String, String, String, String, Data?, String?, Date, Date?, Date?, Date?, Date?, Date?).self)
            for try await (kid, alg, state, jwk, sealed, masterKeyID, created, activated, retiring, retireAfter, retired, revoked) in decoded {
                guard let state = SigningKeyState(rawValue: state) else { throw BatonError.storeFailure }
                let publicJWK = try JSONDecoder().decode(PublicJWK.self, from: Data(jwk.utf8))
                let sealedKey = zip(sealed, masterKeyID).map { SealedSecret(masterKeyID: $0.1, combined: $0.0) }
                keys.append(
                    SigningKey(
                        tenantID: tenantID, kid: kid, algorithm: try SigningAlgorithm(parsing: alg), state: state, publicJWK: publicJWK,
                        sealedPrivateKey: sealedKey, createdAt: created, activatedAt: activated, retiringAt: retiring,
                        retireAfter: retireAfter, retiredAt: retired, revokedAt: revoked
                    )
                )
            }
            return keys
        }
    }

    /// One transaction: conditional updates in the order given (so active → retiring precedes pending → active
    /// under the one-active index), then inserts. A key no longer in its expected state rolls everything back.
    public func changeSigningKeys(tenantID: TenantID, updates: [(key: SigningKey, expectedState: SigningKeyState)], inserts: [SigningKey]) async throws {
        try await translatingErrors {
            try await client.withTransaction(logger: logger) { connection in
                for (key, expected) in updates {
                    let rows = try await connection.query(
                        """
                        UPDATE signing_keys SET state = \(key.state.rawValue), sealed_private_key = \(key.sealedPrivateKey?.combined),
                            master_key_id = \(key.sealedPrivateKey?.masterKeyID), activated_at = \(key.activatedAt), retiring_at = \(key.retiringAt),
                            retire_after = \(key.retireAfter), retired_at = \(key.retiredAt), revoked_at = \(key.revokedAt)
                        WHERE tenant_id = \(tenantID.uuid) AND kid = \(key.kid) AND state = \(expected.rawValue)
                        RETURNING kid
                        """,
                        logger: logger
                    )
                    var changed = false
                    for try await _ in rows { changed = true }
                    guard changed else { throw BatonError.conflict("the tenant's keys changed meanwhile; retry") }
                }
                for key in inserts { try await Self.insert(key, on: connection, logger: logger) }
                try await Self.notify(.keys(tenantID), on: connection, logger: logger)
            }
        }
    }

    static func insert(_ key: SigningKey, on connection: PostgresConnection, logger: Logger) async throws {
        let jwk = String(decoding: try JSONEncoder().encode(key.publicJWK), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO signing_keys (tenant_id, kid, alg, state, public_jwk, sealed_private_key, master_key_id, created_at,
                activated_at, retiring_at, retire_after, retired_at, revoked_at)
            VALUES (\(key.tenantID.uuid), \(key.kid), \(key.algorithm.rawValue), \(key.state.rawValue), \(jwk)::jsonb,
                \(key.sealedPrivateKey?.combined), \(key.sealedPrivateKey?.masterKeyID), \(key.createdAt), \(key.activatedAt),
                \(key.retiringAt), \(key.retireAfter), \(key.retiredAt), \(key.revokedAt))
            """,
            logger: logger
        )
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

extension PostgresStore {
    /// Arbitrary but fixed: the advisory lock of the key scheduler.
    static let schedulerLockKey: Int64 = 0x6261_746f_6e53_6368  // "batonSch"

    /// A session-level advisory lock on one leased connection, released when `body` ends.
    public func withSchedulerLock(_ body: @Sendable () async throws -> Void) async throws -> Bool {
        try await translatingErrors {
            try await client.withConnection { connection in
                let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.schedulerLockKey))", logger: logger)
                var locked = false
                for try await value in rows.decode(Bool.self) { locked = value }
                guard locked else { return false }
                do {
                    try await body()
                } catch {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.schedulerLockKey))", logger: logger)
                    throw error
                }
                try await connection.query("SELECT pg_advisory_unlock(\(Self.schedulerLockKey))", logger: logger)
                return true
            }
        }
    }
}

extension PostgresStore {
    public func resealSecrets(
        tenantID: TenantID, signingKey: @Sendable (String, SealedSecret) throws -> SealedSecret, chainKey: @Sendable (Int, SealedSecret) throws -> SealedSecret
    ) async throws -> Int {
        try await translatingErrors {
            try await client.withTransaction(logger: logger) { connection in
                var count = 0
                var signing: [(String, SealedSecret)] = []
                let keyRows = try await connection.query(
                    """
                    SELECT kid, sealed_private_key, master_key_id FROM signing_keys
                    WHERE tenant_id = \(tenantID.uuid) AND sealed_private_key IS NOT NULL FOR UPDATE
                    """,
                    logger: logger
                )
                for try await (kid, sealed, masterKeyID) in keyRows.decode((String, Data, String).self) {
                    signing.append((kid, SealedSecret(masterKeyID: masterKeyID, combined: sealed)))
                }
                for (kid, sealed) in signing {
                    let resealed = try signingKey(kid, sealed)
                    try await connection.query(
                        """
                        UPDATE signing_keys SET sealed_private_key = \(resealed.combined), master_key_id = \(resealed.masterKeyID)
                        WHERE tenant_id = \(tenantID.uuid) AND kid = \(kid)
                        """,
                        logger: logger
                    )
                    count += 1
                }
                var chains: [(Int, SealedSecret)] = []
                let chainRows = try await connection.query(
                    "SELECT id, sealed_key, master_key_id FROM chain_keys WHERE tenant_id = \(tenantID.uuid) FOR UPDATE", logger: logger
                )
                for try await (id, sealed, masterKeyID) in chainRows.decode((Int, Data, String).self) {
                    chains.append((id, SealedSecret(masterKeyID: masterKeyID, combined: sealed)))
                }
                for (id, sealed) in chains {
                    let resealed = try chainKey(id, sealed)
                    try await connection.query(
                        """
                        UPDATE chain_keys SET sealed_key = \(resealed.combined), master_key_id = \(resealed.masterKeyID)
                        WHERE tenant_id = \(tenantID.uuid) AND id = \(id)
                        """,
                        logger: logger
                    )
                    count += 1
                }
                try await Self.notify(.keys(tenantID), on: connection, logger: logger)
                return count
            }
        }
    }
}
