import BatonCore
import Foundation
import Hummingbird

/// `/admin/v1/tenants/{tenant}/users`: create, list, read, change (password, disabled) and delete users.
struct AdminUserController<Store: BatonStore>: Sendable {
    let adminAccess: AdminAccess<Store>
    let users: UserService<Store>

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.post("/tenants/{tenant}/users", use: create)
        group.get("/tenants/{tenant}/users", use: list)
        group.get("/tenants/{tenant}/users/{user_id}", use: read)
        group.patch("/tenants/{tenant}/users/{user_id}", use: update)
        group.delete("/tenants/{tenant}/users/{user_id}", use: delete)
    }

    @Sendable func create(_ request: Request, context: BatonRequestContext) async throws -> EditedResponse<UserResponse> {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let body = try await JSONRequestBody.decode(CreateUserRequest.self, from: request, context: context)
        let user = try await users.create(tenant: tenant, username: body.username, password: body.password, actor: try Self.actor(context))
        return EditedResponse(status: .created, response: UserResponse(user))
    }

    @Sendable func list(_ request: Request, context: BatonRequestContext) async throws -> UserListResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let (after, limit) = try PageQuery.read(request)
        let page = try await users.list(tenant: tenant, after: after, limit: limit)
        return UserListResponse(users: page.items.map(UserResponse.init), nextAfter: page.next)
    }

    @Sendable func read(_ request: Request, context: BatonRequestContext) async throws -> UserResponse {
        let (tenant, userID) = try await Self.user(context, access: adminAccess)
        return UserResponse(try await users.require(tenant: tenant, id: userID))
    }

    @Sendable func update(_ request: Request, context: BatonRequestContext) async throws -> UserResponse {
        let (tenant, userID) = try await Self.user(context, access: adminAccess)
        let user = try await users.require(tenant: tenant, id: userID)
        let body = try await JSONRequestBody.decode(UpdateUserRequest.self, from: request, context: context)
        return UserResponse(
            try await users.update(
                tenant: tenant,
                user: user,
                password: body.password,
                disabled: body.disabled,
                actor: try Self.actor(context)
            )
        )
    }

    @Sendable func delete(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let (tenant, userID) = try await Self.user(context, access: adminAccess)
        try await users.delete(tenant: tenant, id: userID, actor: try Self.actor(context))
        return Response(status: .noContent)
    }

    static func actor(_ context: BatonRequestContext) throws -> String { "admin:\(try context.requireAdmin().keyID)" }

    /// The tenant and `{user_id}`; a malformed id is the same 404 as an unknown one.
    static func user(_ context: BatonRequestContext, access: AdminAccess<Store>) async throws -> (Tenant, UUID) {
        let tenant = try await AdminTenantAccess.tenant(context, access: access)
        guard let userID = UUID(uuidString: try context.parameters.require("user_id")) else { throw APIError.notFound("no such user") }
        return (tenant, userID)
    }
}
