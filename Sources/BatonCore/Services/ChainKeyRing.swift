import Synchronization

/// Opened refresh-chain keys per tenant, so a refresh costs no key query and no AES once warm.
public final class ChainKeyRing: Sendable {
    private let sealer: SecretSealer
    private let chains = Mutex<[TenantID: RefreshChain]>([:])

    public init(sealer: SecretSealer) { self.sealer = sealer }

    /// The tenant's current chain (its newest chain key), loaded and unsealed on first use.
    public func chain(for tenantID: TenantID, store: some ChainKeyStore) async throws -> RefreshChain {
        if let chain = chains.withLock({ $0[tenantID] }) { return chain }
        guard let newest = try await store.chainKeys(tenantID: tenantID).max(by: { $0.id < $1.id }) else {
            throw BatonError.unavailable("the tenant has no refresh-chain key")
        }
        let key = try sealer.open(newest.sealedKey, context: SecretSealer.chainKeyContext(tenantID: tenantID, id: newest.id))
        let chain = RefreshChain(chainKey: key)
        chains.withLock { $0[tenantID] = chain }
        return chain
    }

    public func forget(_ tenantID: TenantID) { chains.withLock { $0[tenantID] = nil } }
}
