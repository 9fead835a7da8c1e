/// Who may do what through the admin API: an operator key anything, a tenant key its own tenant only. A tenant
/// key naming another tenant is refused as forbidden whether that tenant exists or not (it cannot probe which do),
/// and the refusal is audited on the tenant it named.
public struct AdminAccess<Store: TenantStore & AdminKeyStore & AuditStore>: Sendable {
    let tenants: TenantService<Store>
    let authenticator: AdminAuthenticator<Store>

    public init(tenants: TenantService<Store>, authenticator: AdminAuthenticator<Store>) {
        self.tenants = tenants
        self.authenticator = authenticator
    }

    /// The tenant `slug` names, if `principal` may manage it.
    public func tenant(slug: String, for principal: AdminPrincipal, sourceIP: String?) async throws -> Tenant {
        let refusal = BatonError.forbidden("this admin key may not manage this tenant")
        do {
            let tenant = try await tenants.tenant(slug: slug)
            guard principal.mayManage(tenant.id) else {
                await authenticator.recordRefusal(tenantSlug: slug, actor: "admin:\(principal.keyID)", reason: "other_tenant_key", sourceIP: sourceIP)
                throw refusal
            }
            return tenant
        } catch let error as BatonError where error.kind == .notFound && !principal.isOperator {
            throw refusal
        }
    }

    /// Throws forbidden unless `principal` is an operator; `action` completes "only an operator key may …".
    public func requireOperator(_ principal: AdminPrincipal, to action: String) throws(BatonError) {
        guard principal.isOperator else { throw BatonError.forbidden("only an operator key may \(action)") }
    }
}
