import Foundation
import Logging

/// Creates, reads, changes and deletes tenants; a new tenant starts with an active and a pending key and a chain key.
public struct TenantService<Store: TenantStore>: Sendable {

    let store: Store
    let keyFactory: SigningKeyFactory
    let jwksCache: JWKSCache
    /// Tenants by slug for the hot path (every public request resolves its tenant).
    let tenantCache: ExpiringCache<TenantSlug, Tenant>
    let clock: any BatonClock
    let logger: Logger

    public init(store: Store, keyFactory: SigningKeyFactory, jwksCache: JWKSCache, clock: any BatonClock, logger: Logger) {
        self.store = store
        self.keyFactory = keyFactory
        self.jwksCache = jwksCache
        self.tenantCache = ExpiringCache(lifetime: ExpiringCache<TenantSlug, Tenant>.lookupLifetime, clock: clock)
        self.clock = clock
        self.logger = logger
    }

    public func create(slug rawSlug: String, displayName: String?, settings patch: TenantSettingsPatch) async throws -> Tenant {
        let slug = try TenantSlug(rawSlug)
        let name = try DisplayName.validate(displayName ?? rawSlug, field: "display_name")
        let settings = try patch.applied(to: .default)
        let now = clock.now()
        let tenantID = TenantID()
        let tenant = Tenant(id: tenantID, slug: slug, displayName: name, settings: settings, createdAt: now, updatedAt: now)
        let active = try await keyFactory.makeSigningKey(tenantID: tenantID, algorithm: settings.signingAlgorithm, state: .active, now: now)
        let pending = try await keyFactory.makeSigningKey(tenantID: tenantID, algorithm: settings.signingAlgorithm, state: .pending, now: now)
        let chainKey = try keyFactory.makeChainKey(tenantID: tenantID, id: 1, now: now)
        try await store.createTenant(tenant, signingKeys: [active, pending], chainKey: chainKey)
        logger.info("tenant created", metadata: ["tenant": "\(slug)", "signing_alg": "\(settings.signingAlgorithm.rawValue)"])
        return tenant
    }

    /// The tenant named `rawSlug`; every unknown or malformed slug gets the same `notFound`.
    public func tenant(slug rawSlug: String) async throws -> Tenant {
        let store = self.store
        guard let slug = try? TenantSlug(rawSlug), let tenant = try await tenantCache.value(for: slug, load: { try await store.tenant(slug: slug) })
        else {
            throw BatonError.notFound("no such tenant")
        }
        return tenant
    }

    public func list(after rawAfter: String?, limit: Int?) async throws -> Page<Tenant, String> {
        let size = try PageSize(limit)
        let after = try rawAfter.map { raw throws(BatonError) in try TenantSlug(raw) }
        return Page(try await store.tenants(after: after, limit: size.value), size: size, cursor: \.slug.value)
    }

    public func update(_ tenant: Tenant, displayName: String?, settings patch: TenantSettingsPatch) async throws -> Tenant {
        var updated = tenant
        if let displayName { updated.displayName = try DisplayName.validate(displayName, field: "display_name") }
        updated.settings = try patch.applied(to: tenant.settings)
        updated.updatedAt = clock.now()
        try await store.updateTenant(updated)
        tenantCache.invalidate(tenant.slug)
        await jwksCache.invalidate(tenant.id)
        logger.info("tenant updated", metadata: ["tenant": "\(tenant.slug)"])
        return updated
    }

    public func delete(_ tenant: Tenant) async throws {
        guard try await store.deleteTenant(tenant.id) else { throw BatonError.notFound("no such tenant") }
        tenantCache.invalidate(tenant.slug)
        await jwksCache.invalidate(tenant.id)
        logger.info("tenant deleted", metadata: ["tenant": "\(tenant.slug)"])
    }
}
