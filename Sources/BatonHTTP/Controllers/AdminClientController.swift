import BatonCore
import Foundation
import Hummingbird

/// `/admin/v1/tenants/{tenant}/clients`: register (the secret is shown once), list, read, change, delete, new secret.
struct AdminClientController<Store: BatonStore>: Sendable {
    let adminAccess: AdminAccess<Store>
    let clients: ClientService<Store>

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.post("/tenants/{tenant}/clients", use: create)
        group.get("/tenants/{tenant}/clients", use: list)
        group.get("/tenants/{tenant}/clients/{client_id}", use: read)
        group.patch("/tenants/{tenant}/clients/{client_id}", use: update)
        group.delete("/tenants/{tenant}/clients/{client_id}", use: delete)
        group.post("/tenants/{tenant}/clients/{client_id}/secret", use: rotateSecret)
    }

    @Sendable func create(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let body = try await JSONRequestBody.decode(CreateClientRequest.self, from: request, context: context)
        guard let kind = Client.Kind(rawValue: body.type) else { throw APIError.invalidRequest("type must be public or confidential") }
        let (client, secret) = try await clients.create(
            tenant: tenant,
            clientID: body.clientID,
            name: body.name,
            kind: kind,
            grantTypes: body.grantTypes,
            scopes: body.scopes ?? [],
            audiences: body.audiences ?? [],
            allowedOrigins: body.allowedOrigins ?? [],
            dpopBoundAccessTokens: body.dpopBoundAccessTokens ?? false,
            sessionPolicy: body.sessionPolicy.applied(to: ClientSessionPolicy()),
            actor: try AdminUserController<Store>.actor(context)
        )
        return try Self.secretResponse(ClientResponse(client, secret: secret), status: .created, request: request, context: context)
    }

    @Sendable func list(_ request: Request, context: BatonRequestContext) async throws -> ClientListResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let (after, limit) = try PageQuery.read(request)
        let page = try await clients.list(tenant: tenant, after: after, limit: limit)
        return ClientListResponse(clients: page.items.map { ClientResponse($0, secret: nil) }, nextAfter: page.next)
    }

    @Sendable func read(_ request: Request, context: BatonRequestContext) async throws -> ClientResponse {
        let (_, client) = try await Self.client(context, access: adminAccess, clients: clients)
        return ClientResponse(client, secret: nil)
    }

    @Sendable func update(_ request: Request, context: BatonRequestContext) async throws -> ClientResponse {
        let (tenant, client) = try await Self.client(context, access: adminAccess, clients: clients)
        let body = try await JSONRequestBody.decode(UpdateClientRequest.self, from: request, context: context)
        let updated = try await clients.update(
            tenant: tenant,
            client: client,
            name: body.name,
            grantTypes: body.grantTypes,
            scopes: body.scopes,
            audiences: body.audiences,
            allowedOrigins: body.allowedOrigins,
            dpopBoundAccessTokens: body.dpopBoundAccessTokens,
            sessionPolicy: body.sessionPolicy,
            actor: try AdminUserController<Store>.actor(context)
        )
        return ClientResponse(updated, secret: nil)
    }

    @Sendable func delete(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let (tenant, client) = try await Self.client(context, access: adminAccess, clients: clients)
        try await clients.delete(tenant: tenant, clientID: client.clientID, actor: try AdminUserController<Store>.actor(context))
        return Response(status: .noContent)
    }

    @Sendable func rotateSecret(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let (tenant, client) = try await Self.client(context, access: adminAccess, clients: clients)
        let (updated, secret) = try await clients.rotateSecret(
            tenant: tenant,
            client: client,
            actor: try AdminUserController<Store>.actor(context)
        )
        return try Self.secretResponse(ClientResponse(updated, secret: secret), status: .ok, request: request, context: context)
    }

    static func client(
        _ context: BatonRequestContext,
        access: AdminAccess<Store>,
        clients: ClientService<Store>
    ) async throws -> (Tenant, Client) {
        let tenant = try await AdminTenantAccess.tenant(context, access: access)
        return (tenant, try await clients.client(tenant: tenant, clientID: context.parameters.require("client_id")))
    }

    /// Answers that carry a secret are never cached.
    static func secretResponse(_ body: ClientResponse, status: HTTPResponse.Status, request: Request, context: BatonRequestContext) throws -> Response
    {
        var response = try EditedResponse(status: status, response: body).response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
