/// Persistence of signing keys; private parts only ever arrive sealed.
public protocol SigningKeyStore: Sendable {
    /// All of a tenant's keys in any state, oldest first.
    func signingKeys(tenantID: TenantID) async throws -> [SigningKey]
    /// Applies a key change in one transaction: each `updates` entry replaces the stored key of its kid only if
    /// that key is still in the state given (else `BatonError.conflict`, and nothing changes); then `inserts`.
    /// The database refuses two active keys whatever the order.
    func changeSigningKeys(tenantID: TenantID, updates: [(key: SigningKey, expectedState: SigningKeyState)], inserts: [SigningKey]) async throws
}

/// Re-sealing of a tenant's secrets under a new master key.
public protocol SecretResealStore: Sendable {
    /// In one transaction, replaces every sealed signing key and chain key of the tenant by `reseal`'s result.
    /// Returns how many secrets were re-sealed.
    func resealSecrets(
        tenantID: TenantID,
        signingKey: @escaping @Sendable (_ kid: String, SealedSecret) throws -> SealedSecret,
        chainKey: @escaping @Sendable (_ id: Int, SealedSecret) throws -> SealedSecret
    ) async throws -> Int
}
