/// Persistence of tenants. A tenant is created together with its first keys, all or nothing.
public protocol TenantStore: Sendable {
    /// Stores the tenant, its initial signing keys and chain key atomically; `BatonError.conflict` if the slug is taken.
    func createTenant(_ tenant: Tenant, signingKeys: [SigningKey], chainKey: ChainKey) async throws
    func tenant(slug: TenantSlug) async throws -> Tenant?
    /// Tenants ordered by slug, those after `after`, at most `limit`.
    func tenants(after: TenantSlug?, limit: Int) async throws -> [Tenant]
    /// Replaces display name and settings; `BatonError.notFound` if the tenant is gone.
    func updateTenant(_ tenant: Tenant) async throws
    /// Deletes the tenant and everything it owns; false if there was no such tenant.
    func deleteTenant(_ id: TenantID) async throws -> Bool
}

extension TenantStore {
    /// Calls `body` for every tenant in slug order, reading them a page at a time.
    public func forEachTenant(pageSize: Int = 100, _ body: (Tenant) async throws -> Void) async throws {
        var after: TenantSlug?
        while true {
            let page = try await tenants(after: after, limit: pageSize)
            for tenant in page { try await body(tenant) }
            guard page.count == pageSize, let last = page.last else { return }
            after = last.slug
        }
    }
}
