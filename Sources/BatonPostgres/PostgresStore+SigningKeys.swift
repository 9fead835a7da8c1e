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
                        tenantID: tenantID,
                        kid: kid,
                        algorithm: try SigningAlgorithm(parsing: alg),
                        state: state,
                        publicJWK: publicJWK,
                        sealedPrivateKey: sealedKey,
                        createdAt: created,
                        activatedAt: activated,
                        retiringAt: retiring,
                        retireAfter: retireAfter,
                        retiredAt: retired,
                        revokedAt: revoked
                    )
                )
            }
            return keys
        }
    }

    /// One transaction: conditional updates in the order given (so active → retiring precedes pending → active
    /// under the one-active index), then inserts. A key no longer in its expected state rolls everything back.
    public func changeSigningKeys(
        tenantID: TenantID,
        updates: [(key: SigningKey, expectedState: SigningKeyState)],
        inserts: [SigningKey]
    ) async throws {
        try await translatingErrors {
            try await leases.transaction(logger: logger) { connection in
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
                    guard try await rows.count() > 0 else { throw BatonError.conflict("the tenant's keys changed meanwhile; retry") }
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
    public func resealSecrets(
        tenantID: TenantID,
        signingKey: @escaping @Sendable (String, SealedSecret) throws -> SealedSecret,
        chainKey: @escaping @Sendable (Int, SealedSecret) throws -> SealedSecret
    ) async throws -> Int {
        try await translatingErrors {
            try await leases.transaction(logger: logger) { connection in
                let keys = try await Self.reseal(
                    SealedColumns(table: "signing_keys", id: "kid", secret: "sealed_private_key"),
                    of: tenantID,
                    on: connection,
                    logger: logger,
                    with: signingKey
                )
                let chains = try await Self.reseal(
                    SealedColumns(table: "chain_keys", id: "id", secret: "sealed_key"),
                    of: tenantID,
                    on: connection,
                    logger: logger,
                    with: chainKey
                )
                try await Self.notify(.keys(tenantID), on: connection, logger: logger)
                return keys + chains
            }
        }
    }

    /// Where a table keeps its sealed secrets; fixed names from this file, never input.
    private struct SealedColumns {
        let table: String
        let id: String
        let secret: String
    }

    /// Locks the tenant's sealed rows of one table, replaces each secret by `reseal`'s result; returns how many.
    private static func reseal<ID: PostgresDecodable & PostgresEncodable & Sendable>(
        _ columns: SealedColumns,
        of tenantID: TenantID,
        on connection: PostgresConnection,
        logger: Logger,
        with reseal: (ID, SealedSecret) throws -> SealedSecret
    ) async throws -> Int {
        var sealed: [(ID, SealedSecret)] = []
        let rows = try await connection.query(
            """
            SELECT \(unescaped: columns.id), \(unescaped: columns.secret), master_key_id FROM \(unescaped: columns.table)
            WHERE tenant_id = \(tenantID.uuid) AND \(unescaped: columns.secret) IS NOT NULL FOR UPDATE
            """,
            logger: logger
        )
        for try await (id, secret, masterKeyID) in rows.decode((ID, Data, String).self) {
            sealed.append((id, SealedSecret(masterKeyID: masterKeyID, combined: secret)))
        }
        for (id, secret) in sealed {
            let resealed = try reseal(id, secret)
            try await connection.query(
                """
                UPDATE \(unescaped: columns.table) SET \(unescaped: columns.secret) = \(resealed.combined), master_key_id = \(resealed.masterKeyID)
                WHERE tenant_id = \(tenantID.uuid) AND \(unescaped: columns.id) = \(id)
                """,
                logger: logger
            )
        }
        return sealed.count
    }
}
