import Foundation
import Logging

/// Re-seals every tenant's private keys and chain keys under the current master key, one transaction per tenant.
/// The sealer must list the old master keys as previous ones; afterwards the service needs only the new key.
public struct MasterKeyRewrap<Store: TenantStore & SecretResealStore & AuditStore>: Sendable {
    let store: Store
    let sealer: SecretSealer
    let audit: AuditLog<Store>
    let logger: Logger

    public init(store: Store, sealer: SecretSealer, audit: AuditLog<Store>, logger: Logger) {
        self.store = store
        self.sealer = sealer
        self.audit = audit
        self.logger = logger
    }

    /// Returns, per tenant, how many secrets were re-sealed.
    public func rewrapAll() async throws -> [(TenantSlug, Int)] {
        var results: [(TenantSlug, Int)] = []
        try await store.forEachTenant { tenant in results.append((tenant.slug, try await rewrap(tenant))) }
        return results
    }

    public func rewrap(_ tenant: Tenant) async throws -> Int {
        let sealer = self.sealer
        let tenantID = tenant.id
        let count = try await store.resealSecrets(
            tenantID: tenantID,
            signingKey: { kid, sealed in try sealer.reseal(sealed, context: SecretSealer.signingKeyContext(tenantID: tenantID, kid: kid)) },
            chainKey: { id, sealed in try sealer.reseal(sealed, context: SecretSealer.chainKeyContext(tenantID: tenantID, id: id)) }
        )
        logger.info("tenant secrets re-sealed", metadata: ["tenant": "\(tenant.slug)", "count": "\(count)", "master_key_id": "\(sealer.current.id)"])
        await audit.record(
            .masterKeyRewrapped,
            tenant: tenantID,
            actor: "operator",
            details: ["count": "\(count)", "master_key_id": sealer.current.id]
        )
        return count
    }
}
