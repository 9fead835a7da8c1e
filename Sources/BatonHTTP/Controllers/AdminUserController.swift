import BatonCore
import Foundation
import Hummingbird

/// `/admin/v1/tenants/{tenant}/users`: create users (password hashed with Argon2id, never returned).
struct AdminUserController<Store: BatonStore>: Sendable {
    let services: BatonServices<Store>

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.post("/tenants/{tenant}/users", use: create)
    }

    @Sendable func create(_ request: Request, context: BatonRequestContext) async throws -> EditedResponse<UserResponse> {
        let tenant = try await AdminTenantAccess.tenant(context, services: services)
        let body = try await JSONRequestBody.decode(CreateUserRequest.self, from: request, context: context)
        let user = try await services.users.create(tenant: tenant, username: body.username, password: body.password, actor: "admin:\(try context.requireAdmin().keyID)")
        return EditedResponse(status: .created, response: UserResponse(user))
    }
}
