import Foundation

/// The in-process store behind `--store memory` and fast tests. Data lives as long as the process.
public actor MemoryStore: BatonStore {
    var tenantsByID: [TenantID: Tenant] = [:]
    var clients: [ClientKey: Client] = [:]
    var users: [UUID: User] = [:]
    var sessions: [UUID: Session] = [:]
    var auditEvents: [AuditEvent] = []
    var nextAuditID: Int64 = 0
    var loginFailures: [ThrottleKey: (windowStart: Date, failures: Int)] = [:]
    var legacyChainHeads: [UUID: LegacyChainHead] = [:]
    /// DPoP proofs accepted, by tenant and replay key, until they expire.
    var dpopProofs: [DPoPProofKey: Date] = [:]
    private var tenantIDsBySlug: [TenantSlug: TenantID] = [:]
    var signingKeysByTenant: [TenantID: [SigningKey]] = [:]
    var chainKeysByTenant: [TenantID: [ChainKey]] = [:]
    private var adminKeysByDigest: [Data: AdminKey] = [:]

    public init() {}

    public func createTenant(_ tenant: Tenant, signingKeys: [SigningKey], chainKey: ChainKey) throws {
        guard tenantIDsBySlug[tenant.slug] == nil else { throw BatonError.conflict("a tenant with this id already exists") }
        // Mirrors the database's partial unique index: never two active keys for one tenant.
        guard signingKeys.filter({ $0.state == .active }).count <= 1 else { throw BatonError.conflict("a tenant has one active key at most") }
        tenantsByID[tenant.id] = tenant
        tenantIDsBySlug[tenant.slug] = tenant.id
        signingKeysByTenant[tenant.id] = signingKeys
        chainKeysByTenant[tenant.id] = [chainKey]
    }

    public func tenant(slug: TenantSlug) -> Tenant? {
        tenantIDsBySlug[slug].flatMap { tenantsByID[$0] }
    }

    public func tenants(after: TenantSlug?, limit: Int) -> [Tenant] {
        tenantsByID.values
            .filter { tenant in after.map { tenant.slug > $0 } ?? true }
            .sorted { $0.slug < $1.slug }
            .prefix(max(0, limit))
            .map { $0 }
    }

    public func updateTenant(_ tenant: Tenant) throws {
        guard tenantsByID[tenant.id] != nil else { throw BatonError.notFound("no such tenant") }
        tenantsByID[tenant.id] = tenant
    }

    public func deleteTenant(_ id: TenantID) -> Bool {
        guard let tenant = tenantsByID.removeValue(forKey: id) else { return false }
        tenantIDsBySlug[tenant.slug] = nil
        signingKeysByTenant[id] = nil
        chainKeysByTenant[id] = nil
        clients = clients.filter { $0.key.tenantID != id }
        users = users.filter { $0.value.tenantID != id }
        sessions = sessions.filter { $0.value.tenantID != id }
        auditEvents.removeAll { $0.tenantID == id }
        loginFailures = loginFailures.filter { $0.key.tenantID != id }
        dpopProofs = dpopProofs.filter { $0.key.tenantID != id }
        adminKeysByDigest = adminKeysByDigest.filter { $0.value.tenantID != id }
        return true
    }

    public func signingKeys(tenantID: TenantID) -> [SigningKey] {
        (signingKeysByTenant[tenantID] ?? []).sorted { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }
    }

    public func chainKeys(tenantID: TenantID) -> [ChainKey] {
        chainKeysByTenant[tenantID] ?? []
    }

    public func createAdminKey(_ key: AdminKey) throws {
        if let tenantID = key.tenantID, tenantsByID[tenantID] == nil { throw BatonError.notFound("no such tenant") }
        guard adminKeysByDigest[key.digest] == nil else { throw BatonError.conflict("admin key already exists") }
        adminKeysByDigest[key.digest] = key
    }

    public func adminKey(digest: Data) -> AdminKey? { adminKeysByDigest[digest] }

    public func adminKeys(tenantID: TenantID) -> [AdminKey] {
        adminKeysByDigest.values.filter { $0.tenantID == tenantID }.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
    }

    public func deleteAdminKey(tenantID: TenantID, id: UUID) -> Bool {
        guard let key = adminKeysByDigest.values.first(where: { $0.tenantID == tenantID && $0.id == id }) else { return false }
        adminKeysByDigest[key.digest] = nil
        return true
    }

    public func checkReachable() {}
}

/// A DPoP proof's identity in the memory store.
struct DPoPProofKey: Hashable, Sendable {
    let tenantID: TenantID
    let replayKey: Data
}

extension MemoryStore {
    public func recordDPoPProof(tenantID: TenantID, replayKey: Data, expiresAt: Date) -> Bool {
        let key = DPoPProofKey(tenantID: tenantID, replayKey: replayKey)
        guard dpopProofs[key] == nil else { return false }
        dpopProofs[key] = expiresAt
        return true
    }

    public func purgeDPoPProofs(tenantID: TenantID, expiredBefore cutoff: Date, limit: Int) -> Int {
        let expired = dpopProofs.filter { $0.key.tenantID == tenantID && $0.value < cutoff }.keys.prefix(max(0, limit))
        for key in expired { dpopProofs[key] = nil }
        return expired.count
    }
}
