import BatonCore
import Foundation
import Hummingbird

/// Operators' view of users' sessions: list, sign a user out everywhere, revoke one session.
struct AdminSessionController<Store: BatonStore>: Sendable {
    let adminAccess: AdminAccess<Store>
    let sessions: SessionService<Store>
    let users: UserService<Store>

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.get("/tenants/{tenant}/users/{user_id}/sessions", use: list)
        group.post("/tenants/{tenant}/users/{user_id}/revoke-sessions", use: revokeAll)
        group.delete("/tenants/{tenant}/sessions/{session_id}", use: revokeOne)
    }

    @Sendable func list(_ request: Request, context: BatonRequestContext) async throws -> SessionListResponse {
        let (tenant, userID) = try await user(context)
        return SessionListResponse(try await sessions.sessions(of: userID, tenant: tenant), current: nil)
    }

    @Sendable func revokeAll(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let (tenant, userID) = try await user(context)
        try await sessions.revokeAllSessions(
            of: userID,
            tenant: tenant,
            reason: "revoked_by_admin",
            actor: "admin:\(try context.requireAdmin().keyID)"
        )
        return Response(status: .noContent)
    }

    @Sendable func revokeOne(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        guard let sessionID = UUID(uuidString: try context.parameters.require("session_id")) else { throw APIError.notFound("no such session") }
        try await sessions.revokeSession(
            sessionID,
            tenant: tenant,
            reason: "revoked_by_admin",
            actor: "admin:\(try context.requireAdmin().keyID)"
        )
        return Response(status: .noContent)
    }

    /// `{user_id}` of an existing user; unknown and malformed ids are the same 404.
    private func user(_ context: BatonRequestContext) async throws -> (Tenant, UUID) {
        let (tenant, userID) = try await AdminUserController<Store>.user(context, access: adminAccess)
        _ = try await users.require(tenant: tenant, id: userID)
        return (tenant, userID)
    }
}
