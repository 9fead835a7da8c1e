/// Reads a tenant's signing keys and publishes its JWKS.
public struct KeyService<Store: SigningKeyStore>: Sendable {
    let store: Store
    let jwksCache: JWKSCache

    public init(store: Store, jwksCache: JWKSCache) {
        self.store = store
        self.jwksCache = jwksCache
    }

    /// Every key of the tenant, any state, oldest first (the caller shows public parts only).
    public func keys(of tenant: Tenant) async throws -> [SigningKey] {
        try await store.signingKeys(tenantID: tenant.id)
    }

    public func jwks(of tenant: Tenant) async throws -> JWKSDocument {
        let store = self.store
        let tenantID = tenant.id
        return try await jwksCache.document(for: tenantID) {
            try JWKSDocument(publishing: try await store.signingKeys(tenantID: tenantID))
        }
    }
}
