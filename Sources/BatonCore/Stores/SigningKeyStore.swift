/// Persistence of signing keys; private parts only ever arrive sealed.
public protocol SigningKeyStore: Sendable {
    /// All of a tenant's keys in any state, oldest first.
    func signingKeys(tenantID: TenantID) async throws -> [SigningKey]
}
