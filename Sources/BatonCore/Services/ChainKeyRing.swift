/// Opened refresh-chain keys per tenant, so a refresh costs no key query and no AES once warm.
public actor ChainKeyRing {
    private let sealer: SecretSealer
    private var chains: [TenantID: RefreshChain] = [:]

    public init(sealer: SecretSealer) { self.sealer = sealer }

    /// The tenant's current chain (its newest chain key), loaded and unsealed on first use.
    public func chain(for tenantID: TenantID, store: some ChainKeyStore) async throws -> RefreshChain {
        if let chain = chains[tenantID] { return chain }
        guard let newest = try await store.chainKeys(tenantID: tenantID).max(by: { $0.id < $1.id }) else {
            throw BatonError.unavailable("the tenant has no refresh-chain key")
        }
        let key = try sealer.open(newest.sealedKey, context: SecretSealer.chainKeyContext(tenantID: tenantID, id: newest.id))
        let chain = RefreshChain(chainKey: key)
        chains[tenantID] = chain
        return chain
    }

    public func forget(_ tenantID: TenantID) { chains[tenantID] = nil }
}
