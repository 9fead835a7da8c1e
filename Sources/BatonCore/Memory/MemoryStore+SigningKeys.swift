import Foundation

extension MemoryStore {
    public func changeSigningKeys(tenantID: TenantID, updates: [(key: SigningKey, expectedState: SigningKeyState)], inserts: [SigningKey]) throws {
        var keys = signingKeysByTenant[tenantID] ?? []
        for (key, expected) in updates {
            guard let index = keys.firstIndex(where: { $0.kid == key.kid }), keys[index].state == expected else {
                throw BatonError.conflict("the tenant's keys changed meanwhile; retry")
            }
            keys[index] = key
        }
        keys += inserts
        guard keys.filter({ $0.state == .active }).count <= 1 else { throw BatonError.conflict("a tenant has one active key at most") }
        signingKeysByTenant[tenantID] = keys
    }
}

extension MemoryStore {
    /// One process, one scheduler: the lock is always free.
    nonisolated public func withSchedulerLock<Result: Sendable>(
        _ job: ScheduledJob,
        _ body: @Sendable () async throws -> Result
    ) async throws -> Result? {
        try await body()
    }
}

extension MemoryStore {
    public func resealSecrets(
        tenantID: TenantID,
        signingKey: @escaping @Sendable (String, SealedSecret) throws -> SealedSecret,
        chainKey: @escaping @Sendable (Int, SealedSecret) throws -> SealedSecret
    ) throws -> Int {
        var keys = signingKeysByTenant[tenantID] ?? []
        var chains = chainKeysByTenant[tenantID] ?? []
        var count = 0
        for index in keys.indices {
            guard let sealed = keys[index].sealedPrivateKey else { continue }
            keys[index].sealedPrivateKey = try signingKey(keys[index].kid, sealed)
            count += 1
        }
        for index in chains.indices {
            let chain = chains[index]
            chains[index] = ChainKey(
                tenantID: chain.tenantID,
                id: chain.id,
                sealedKey: try chainKey(chain.id, chain.sealedKey),
                createdAt: chain.createdAt
            )
            count += 1
        }
        // Assigned only when every secret re-sealed: all or nothing, like the database transaction.
        signingKeysByTenant[tenantID] = keys
        chainKeysByTenant[tenantID] = chains
        return count
    }
}
