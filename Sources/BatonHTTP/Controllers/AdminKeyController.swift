import BatonCore
import Foundation
import Hummingbird

/// A tenant's signing keys (public parts) and its tenant-scoped admin keys.
struct AdminKeyController<Store: BatonStore>: Sendable {
    let adminAccess: AdminAccess<Store>
    let adminAuthenticator: AdminAuthenticator<Store>
    let keyRotation: KeyRotationService<Store>
    let keys: KeyService<Store>

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.get("/tenants/{tenant}/keys", use: listSigningKeys)
        group.get("/tenants/{tenant}/admin-keys", use: listAdminKeys)
        group.post("/tenants/{tenant}/admin-keys", use: issueAdminKey)
        group.delete("/tenants/{tenant}/admin-keys/{admin_key_id}", use: revokeAdminKey)
        group.post("/tenants/{tenant}/keys/rotate", use: rotate)
        group.post("/tenants/{tenant}/keys/{kid}/revoke", use: revoke)
    }

    @Sendable func rotate(_ request: Request, context: BatonRequestContext) async throws -> SigningKeyListResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let body =
            try await JSONRequestBody.decodeIfPresent(RotateKeysRequest.self, from: request, context: context)
            ?? RotateKeysRequest(force: nil, algorithm: nil)
        let algorithm = try body.algorithm.map { raw throws(BatonError) in try SigningAlgorithm(parsing: raw) }
        let keys = try await keyRotation.rotate(
            tenant: tenant,
            force: body.force ?? false,
            algorithm: algorithm,
            actor: try AdminUserController<Store>.actor(context)
        )
        return SigningKeyListResponse(keys)
    }

    @Sendable func revoke(_ request: Request, context: BatonRequestContext) async throws -> RevokedKeyResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let kid = try context.parameters.require("kid")
        let active = try await keyRotation.revoke(tenant: tenant, kid: kid, actor: try AdminUserController<Store>.actor(context))
        return RevokedKeyResponse(revokedKID: kid, activeKID: active)
    }

    @Sendable func listSigningKeys(_ request: Request, context: BatonRequestContext) async throws -> SigningKeyListResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        return SigningKeyListResponse(try await keys.keys(of: tenant))
    }

    @Sendable func issueAdminKey(_ request: Request, context: BatonRequestContext) async throws -> EditedResponse<AdminKeyResponse> {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let (record, key) = try await adminAuthenticator.issueTenantKey(
            for: tenant,
            by: try context.requireAdmin(),
            sourceIP: context.remoteAddress?.ipAddress
        )
        var response = EditedResponse(
            status: .created,
            response: AdminKeyResponse(id: record.id.uuidString.lowercased(), tenant: tenant.slug.value, adminKey: key, createdAt: record.createdAt)
        )
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func listAdminKeys(_ request: Request, context: BatonRequestContext) async throws -> AdminKeyListResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        return AdminKeyListResponse(try await adminAuthenticator.tenantKeys(of: tenant))
    }

    @Sendable func revokeAdminKey(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        guard let id = UUID(uuidString: try context.parameters.require("admin_key_id")) else { throw APIError.notFound("no such admin key") }
        try await adminAuthenticator.revokeTenantKey(id, of: tenant, by: try context.requireAdmin())
        return Response(status: .noContent)
    }
}
