import Foundation
import Logging

/// Turns an admin bearer key into a principal: the bootstrap operator key (held as a digest) or a stored key.
public struct AdminAuthenticator<Store: AdminKeyStore & TenantStore & AuditStore>: Sendable {
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

    /// Issues a key limited to `tenant`; returns the stored record and the key itself, which is shown once and never
    /// stored. Only an operator may: a tenant key that could mint keys would let whoever stole it keep access after
    /// it is revoked. A tenant key's attempt is `forbidden` and audited.
    public func issueTenantKey(
        for tenant: Tenant,
        by principal: AdminPrincipal,
        sourceIP: String? = nil
    ) async throws -> (record: AdminKey, key: String) {
        let actor = "admin:\(principal.keyID)"
        guard principal.isOperator else {
            await audit.record(
                .adminAuthenticationFailed,
                tenant: tenant.id,
                actor: actor,
                sourceIP: sourceIP,
                details: ["reason": "tenant_key_may_not_issue_keys"]
            )
            throw BatonError.forbidden("only an operator key may issue admin keys")
        }
        let key = RandomSecret.token(prefix: Self.keyPrefix)
        let record = AdminKey(id: UUID(), tenantID: tenant.id, digest: SecretDigest.sha256(key), createdAt: clock.now())
        try await store.createAdminKey(record)
        logger.info("tenant admin key issued", metadata: ["tenant": "\(tenant.slug)", "admin_key_id": "\(record.id)"])
        await audit.record(.adminKeyIssued, tenant: tenant.id, actor: actor, details: ["admin_key_id": record.id.uuidString.lowercased()])
        return (record, key)
    }

    /// The admin keys limited to `tenant` (ids and dates; a key itself is never stored, so never shown again).
    public func tenantKeys(of tenant: Tenant) async throws -> [AdminKey] {
        try await store.adminKeys(tenantID: tenant.id)
    }

    /// Revokes one of `tenant`'s admin keys (a tenant key may revoke itself); `notFound` if it has no such key.
    public func revokeTenantKey(_ id: UUID, of tenant: Tenant, by principal: AdminPrincipal) async throws {
        guard try await store.deleteAdminKey(tenantID: tenant.id, id: id) else { throw BatonError.notFound("no such admin key") }
        logger.info("tenant admin key revoked", metadata: ["tenant": "\(tenant.slug)", "admin_key_id": "\(id)"])
        await audit.record(
            .adminKeyRevoked,
            tenant: tenant.id,
            actor: "admin:\(principal.keyID)",
            details: ["admin_key_id": id.uuidString.lowercased()]
        )
    }

    /// Audits a refused admin call under the tenant it aimed at, when that tenant exists (unknown slugs have nowhere to go).
    public func recordRefusal(tenantSlug: String?, actor: String, reason: String, sourceIP: String?) async {
        guard let tenantSlug, let slug = try? TenantSlug(tenantSlug), let tenant = try? await store.tenant(slug: slug) else { return }
        await audit.record(.adminAuthenticationFailed, tenant: tenant.id, actor: actor, sourceIP: sourceIP, details: ["reason": reason])
    }
}
