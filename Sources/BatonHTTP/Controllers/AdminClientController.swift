import BatonCore
import Foundation
import Hummingbird

/// `/admin/v1/tenants/{tenant}/clients`: register clients (the secret is shown once) and read them.
struct AdminClientController<Store: BatonStore>: Sendable {
    let services: BatonServices<Store>

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.post("/tenants/{tenant}/clients", use: create)
        group.get("/tenants/{tenant}/clients/{client_id}", use: read)
    }

    @Sendable func create(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let tenant = try await AdminTenantAccess.tenant(context, services: services)
        let body = try await JSONRequestBody.decode(CreateClientRequest.self, from: request, context: context)
        guard let kind = Client.Kind(rawValue: body.type) else { throw APIError.invalidRequest("type must be public or confidential") }
        let (client, secret) = try await services.clients.create(
            tenant: tenant, clientID: body.clientID, name: body.name, kind: kind, grantTypes: body.grantTypes ?? ["refresh_token"],
            scopes: body.scopes ?? [], audiences: body.audiences ?? [], actor: "admin:\(try context.requireAdmin().keyID)"
        )
        var response = try EditedResponse(status: .created, response: ClientResponse(client, secret: secret)).response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func read(_ request: Request, context: BatonRequestContext) async throws -> ClientResponse {
        let tenant = try await AdminTenantAccess.tenant(context, services: services)
        return ClientResponse(try await services.clients.client(tenant: tenant, clientID: context.parameters.require("client_id")), secret: nil)
    }
}
