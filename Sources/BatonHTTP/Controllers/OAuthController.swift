import BatonCore
import Foundation
import HTTPTypes
import Hummingbird

/// RFC 7009 revocation and RFC 7662 introspection.
struct OAuthController<Store: BatonStore>: Sendable {
    let tenants: TenantService<Store>
    let clients: ClientService<Store>
    let sessions: SessionService<Store>

    func register(on router: Router<BatonRequestContext>) {
        router.post("/t/{tenant}/oauth/revoke", use: revoke)
        router.post("/t/{tenant}/oauth/introspect", use: introspect)
    }

    @Sendable func revoke(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let (tenant, parameters, client) = try await authenticatedClient(request, context)
        try await sessions.revoke(parameters.require("token"), tenant: tenant, client: client)
        // Unknown, foreign and already revoked tokens get the same 200 (RFC 7009 §2.2).
        return Response(status: .ok, headers: [.cacheControl: "no-store"])
    }

    @Sendable func introspect(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let (tenant, parameters, client) = try await authenticatedClient(request, context)
        let result = try await sessions.introspect(parameters.require("token"), tenant: tenant, client: client)
        let body = try context.responseEncoder.encode(IntrospectionResponse(result))
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// The tenant, the parameters and the calling client (authenticated as RFC 6749 §2.3 says) of either endpoint.
    private func authenticatedClient(_ request: Request, _ context: BatonRequestContext) async throws -> (Tenant, OAuthParameters, Client) {
        let tenant = try await tenants.tenant(slug: context.parameters.require("tenant"))
        let parameters = try await OAuthParameters.read(request, context: context)
        let credentials = try ClientCredentialsReader.read(request, parameters: parameters)
        context.requestingClient?.record(credentials.clientID)
        let client = try await clients.authenticate(credentials, tenant: tenant)
        return (tenant, parameters, client)
    }
}
