import BatonCore
import Foundation
import Hummingbird

/// A tenant's signing keys (public parts) and its tenant-scoped admin keys.
struct AdminKeyController<Store: BatonStore>: Sendable {
    let services: BatonServices<Store>

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.get("/tenants/{tenant}/keys", use: listSigningKeys)
        group.post("/tenants/{tenant}/admin-keys", use: issueAdminKey)
    }

    @Sendable func listSigningKeys(_ request: Request, context: BatonRequestContext) async throws -> SigningKeyListResponse {
        let tenant = try await AdminTenantAccess.tenant(context, services: services)
        return SigningKeyListResponse(try await services.keys.keys(of: tenant))
    }

    @Sendable func issueAdminKey(_ request: Request, context: BatonRequestContext) async throws -> EditedResponse<AdminKeyResponse> {
        let tenant = try await AdminTenantAccess.tenant(context, services: services)
        let (record, key) = try await services.adminAuthenticator.issueTenantKey(for: tenant, actor: "admin:\(try context.requireAdmin().keyID)")
        var response = EditedResponse(
            status: .created,
            response: AdminKeyResponse(id: record.id.uuidString.lowercased(), tenant: tenant.slug.value, adminKey: key, createdAt: record.createdAt)
        )
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
