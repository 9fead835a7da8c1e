import BatonCore
import Hummingbird

/// Resolves `{tenant}` on admin routes for the authenticated caller.
enum AdminTenantAccess {
    /// A tenant-scoped key gets 403 for any other slug, existing or not, so it cannot probe which tenants exist.
    static func tenant<Store: BatonStore>(_ context: BatonRequestContext, services: BatonServices<Store>) async throws -> Tenant {
        let principal = try context.requireAdmin()
        let slug = try context.parameters.require("tenant")
        do {
            let tenant = try await services.tenants.tenant(slug: slug)
            guard principal.mayManage(tenant.id) else {
                await services.adminAuthenticator.recordRefusal(
                    tenantSlug: slug,
                    actor: "admin:\(principal.keyID)",
                    reason: "other_tenant_key",
                    sourceIP: context.remoteAddress?.ipAddress
                )
                throw APIError.forbidden("this admin key may not manage this tenant")
            }
            return tenant
        } catch let error as BatonError where error.kind == .notFound && !principal.isOperator {
            throw APIError.forbidden("this admin key may not manage this tenant")
        }
    }
}
