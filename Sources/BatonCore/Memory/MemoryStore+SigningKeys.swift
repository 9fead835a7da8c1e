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
    nonisolated public func withSchedulerLock(_ body: @Sendable () async throws -> Void) async throws -> Bool {
        try await body()
        return true
    }
}
