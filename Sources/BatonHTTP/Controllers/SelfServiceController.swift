import BatonCore
import Foundation
import HTTPTypes
import Hummingbird

/// The signed-in user's own endpoints, authorised by a bearer access token whose session is live.
struct SelfServiceController<Store: BatonStore>: Sendable {
    let tenants: TenantService<Store>
    let sessions: SessionService<Store>
    let users: UserService<Store>

    func register(on router: Router<BatonRequestContext>) {
        router.get("/t/{tenant}/me", use: me)
        router.get("/t/{tenant}/sessions", use: listSessions)
        router.delete("/t/{tenant}/sessions/{session_id}", use: deleteSession)
        router.post("/t/{tenant}/logout", use: logout)
    }

    @Sendable func me(_ request: Request, context: BatonRequestContext) async throws -> MeResponse {
        let (tenant, auth) = try await authenticate(request, context)
        guard let user = try await users.user(tenant: tenant, id: auth.session.userID) else { throw APIError.invalidBearerToken }
        return MeResponse(
            id: user.id.uuidString.lowercased(),
            username: user.username,
            sessionID: auth.session.id.uuidString.lowercased(),
            clientID: auth.claims.clientID,
            scope: auth.claims.scope
        )
    }

    @Sendable func listSessions(_ request: Request, context: BatonRequestContext) async throws -> SessionListResponse {
        let (tenant, auth) = try await authenticate(request, context)
        let sessions = try await sessions.sessions(of: auth.session.userID, tenant: tenant)
        return SessionListResponse(sessions, current: auth.session.id)
    }

    @Sendable func deleteSession(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let (tenant, auth) = try await authenticate(request, context)
        guard let sessionID = UUID(uuidString: try context.parameters.require("session_id")) else { throw APIError.notFound("no such session") }
        try await sessions.revokeSession(sessionID, of: auth.session.userID, tenant: tenant, reason: "revoked_by_user")
        return Response(status: .noContent)
    }

    @Sendable func logout(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let (tenant, auth) = try await authenticate(request, context)
        if try await JSONRequestBody.decodeIfPresent(LogoutRequest.self, from: request, context: context)?.all == true {
            try await sessions.revokeAllSessions(of: auth.session.userID, tenant: tenant, reason: "logout_all")
        } else {
            try await sessions.revokeSession(auth.session.id, of: auth.session.userID, tenant: tenant, reason: "logout")
        }
        return Response(status: .noContent)
    }

    private func authenticate(_ request: Request, _ context: BatonRequestContext) async throws -> (Tenant, AuthenticatedSession) {
        let tenant = try await tenants.tenant(slug: context.parameters.require("tenant"))
        let (scheme, token) = Self.accessToken(request.headers[.authorization])
        do {
            let auth = try await sessions.authenticate(accessToken: token, scheme: scheme, dpop: DPoPPresentation(request), tenant: tenant)
            context.requestingClient?.record(auth.claims.clientID)
            return (tenant, auth)
        } catch let error as BatonError where error.kind == .unauthorized {
            throw APIError.invalidBearerToken
        } catch let error as OAuthError where error.code == .invalidDPoPProof || error.code == .useDPoPNonce {
            throw APIError.resourceDPoP(error)
        }
    }

    /// The `Authorization` header's scheme (`Bearer` or `DPoP`, any case) and token; no token otherwise.
    static func accessToken(_ header: String?) -> (AccessTokenScheme, String?) {
        switch AuthorizationHeader.parse(header) {
        case let ("bearer", token)?: (.bearer, token)
        case let ("dpop", token)?: (.dpop, token)
        default: (.bearer, nil)
        }
    }
}
