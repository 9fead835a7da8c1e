import BatonCore
import Foundation
import Hummingbird

/// `/admin/v1/tenants`: create, list, read, change and delete tenants.
struct AdminTenantController<Store: BatonStore>: Sendable {
    let adminAccess: AdminAccess<Store>
    let tenants: TenantService<Store>
    let publicURL: String

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.post("/tenants", use: create)
        group.get("/tenants", use: list)
        group.get("/tenants/{tenant}", use: read)
        group.patch("/tenants/{tenant}", use: update)
        group.delete("/tenants/{tenant}", use: delete)
    }

    @Sendable func create(_ request: Request, context: BatonRequestContext) async throws -> EditedResponse<TenantResponse> {
        try adminAccess.requireOperator(context.requireAdmin(), to: "create tenants")
        let body = try await JSONRequestBody.decode(CreateTenantRequest.self, from: request, context: context)
        let tenant = try await tenants.create(slug: body.id, displayName: body.displayName, settings: body.settings?.patch ?? .init())
        return EditedResponse(status: .created, response: TenantResponse(tenant, publicURL: publicURL))
    }

    @Sendable func list(_ request: Request, context: BatonRequestContext) async throws -> TenantListResponse {
        try adminAccess.requireOperator(context.requireAdmin(), to: "list tenants")
        let (after, limit) = try PageQuery.read(request)
        let page = try await tenants.list(after: after, limit: limit)
        return TenantListResponse(tenants: page.items.map { TenantResponse($0, publicURL: publicURL) }, nextAfter: page.next)
    }

    @Sendable func read(_ request: Request, context: BatonRequestContext) async throws -> TenantResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        return TenantResponse(tenant, publicURL: publicURL)
    }

    @Sendable func update(_ request: Request, context: BatonRequestContext) async throws -> TenantResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let body = try await JSONRequestBody.decode(UpdateTenantRequest.self, from: request, context: context)
        let updated = try await tenants.update(tenant, displayName: body.displayName, settings: body.settings?.patch ?? .init())
        return TenantResponse(updated, publicURL: publicURL)
    }

    @Sendable func delete(_ request: Request, context: BatonRequestContext) async throws -> Response {
        try adminAccess.requireOperator(context.requireAdmin(), to: "delete tenants")
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        try await tenants.delete(tenant)
        return Response(status: .noContent)
    }
}
