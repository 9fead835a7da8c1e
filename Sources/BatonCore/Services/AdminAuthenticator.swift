import Foundation
import Logging

/// Turns an admin bearer key into a principal: the bootstrap operator key (held as a digest) or a stored key.
public struct AdminAuthenticator<Store: BatonStore>: Sendable {
    public static var keyPrefix: String { "baton_adm" }

    let store: Store
    let bootstrapDigest: Data?
    let audit: AuditLog<Store>
    let clock: any BatonClock
    let logger: Logger

    public init(store: Store, bootstrapKey: String?, audit: AuditLog<Store>, clock: any BatonClock, logger: Logger) {
        self.store = store
        self.audit = audit
        self.bootstrapDigest = bootstrapKey.map(SecretDigest.sha256)
        self.clock = clock
        self.logger = logger
    }

    /// Throws `unauthorized` for a missing or unknown key; never says which.
    public func authenticate(bearer key: String?) async throws -> AdminPrincipal {
        guard let key, !key.isEmpty, key.utf8.count <= 512 else { throw BatonError.unauthorized("a valid admin key is required") }
        let digest = SecretDigest.sha256(key)
        if let bootstrapDigest, SecretDigest.equal(digest, bootstrapDigest) {
            return .operator(keyID: "bootstrap")
        }
        guard let stored = try await store.adminKey(digest: digest) else {
            throw BatonError.unauthorized("a valid admin key is required")
        }
        if let tenantID = stored.tenantID {
            return .tenant(tenantID, keyID: stored.id.uuidString.lowercased())
        }
        return .operator(keyID: stored.id.uuidString.lowercased())
    }

    /// Issues a key limited to `tenant`; returns the stored record and the key itself, which is shown once and never stored.
    public func issueTenantKey(for tenant: Tenant, actor: String) async throws -> (record: AdminKey, key: String) {
        let key = RandomSecret.token(prefix: Self.keyPrefix)
        let record = AdminKey(id: UUID(), tenantID: tenant.id, digest: SecretDigest.sha256(key), createdAt: clock.now())
        try await store.createAdminKey(record)
        logger.info("tenant admin key issued", metadata: ["tenant": "\(tenant.slug)", "admin_key_id": "\(record.id)"])
        await audit.record(.adminKeyIssued, tenant: tenant.id, actor: actor, details: ["admin_key_id": record.id.uuidString.lowercased()])
        return (record, key)
    }

    /// Audits a refused admin call under the tenant it aimed at, when that tenant exists (unknown slugs have nowhere to go).
    public func recordRefusal(tenantSlug: String?, actor: String, reason: String, sourceIP: String?) async {
        guard let tenantSlug, let slug = try? TenantSlug(tenantSlug), let tenant = try? await store.tenant(slug: slug) else { return }
        await audit.record(.adminAuthenticationFailed, tenant: tenant.id, actor: actor, sourceIP: sourceIP, details: ["reason": reason])
    }
}
