/// Drops this instance's cached tenants, clients (and their origins) and keys when another instance announces a change,
/// and everything on the periodic reload that covers a missed announcement.
public struct CacheCoordinator<Store: TenantStore & ClientStore & AuditStore>: Sendable {
    let tenants: TenantService<Store>
    let clients: ClientService<Store>
    let jwksCache: JWKSCache
    let signingKeys: SigningKeyRing

    public init(tenants: TenantService<Store>, clients: ClientService<Store>, jwksCache: JWKSCache, signingKeys: SigningKeyRing) {
        self.tenants = tenants
        self.clients = clients
        self.jwksCache = jwksCache
        self.signingKeys = signingKeys
    }

    public func apply(_ notice: ChangeNotice) async {
        switch notice {
        case .keys(let tenantID):
            await forgetKeys(of: tenantID)
        case .tenant(let tenantID):
            // The tenant cache is keyed by slug, which the notice does not carry: drop it whole (it refills in one query each).
            tenants.tenantCache.invalidateAll()
            await forgetKeys(of: tenantID)
        case .client(let tenantID, let clientID):
            clients.clientCache.invalidate(ClientCacheKey(tenantID: tenantID, clientID: clientID))
            clients.tenantOriginCache.invalidate(tenantID)
        }
    }

    private func forgetKeys(of tenantID: TenantID) async {
        await jwksCache.invalidate(tenantID)
        signingKeys.forget(tenantID)
    }

    public func reloadAll() async {
        tenants.tenantCache.invalidateAll()
        clients.clientCache.invalidateAll()
        clients.tenantOriginCache.invalidateAll()
        await jwksCache.invalidateAll()
        signingKeys.forgetAll()
    }
}
