/// Persistence of tenants' sealed refresh-chain keys.
public protocol ChainKeyStore: Sendable {
    func chainKeys(tenantID: TenantID) async throws -> [ChainKey]
}
