/// Pre-encoded JWKS documents per tenant, so serving JWKS costs no encoding and no key query.
public actor JWKSCache {
    private var documents: [TenantID: JWKSDocument] = [:]

    public init() {}

    public func document(for tenantID: TenantID, load: @Sendable () async throws -> JWKSDocument) async throws -> JWKSDocument {
        if let cached = documents[tenantID] { return cached }
        let document = try await load()
        documents[tenantID] = document
        return document
    }

    /// Drops a tenant's document after any change to its keys or its existence.
    public func invalidate(_ tenantID: TenantID) {
        documents[tenantID] = nil
    }

    public func invalidateAll() { documents.removeAll() }
}
