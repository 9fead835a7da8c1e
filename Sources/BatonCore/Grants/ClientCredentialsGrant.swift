import Foundation

/// `grant_type=client_credentials`: a confidential client's access token for itself; no session, no refresh token.
public struct ClientCredentialsGrant<Store: ClientStore & SigningKeyStore & AuditStore>: Sendable {
    let store: Store
    let clients: ClientService<Store>
    let issuer: AccessTokenIssuer

    public init(store: Store, clients: ClientService<Store>, issuer: AccessTokenIssuer) {
        self.store = store
        self.clients = clients
        self.issuer = issuer
    }

    /// `grant_type=client_credentials`: an access token for the client itself; no session, no refresh token.
    public func grant(
        tenant: Tenant,
        credentials: ClientCredentials,
        scope rawScope: String?,
        audience rawAudience: String?
    ) async throws -> TokenResponse {
        let client = try await clients.authenticate(credentials, tenant: tenant)
        guard client.kind == .confidential, client.grantTypes.contains("client_credentials") else {
            throw OAuthError(.unauthorizedClient, "this client may not use client_credentials")
        }
        let scope = try issuer.grantedScope(requested: rawScope, allowed: client.scopes)
        let audience = try issuer.grantedAudience(requested: rawAudience, client: client, tenant: tenant)
        let signer = try await issuer.signer(for: tenant, store: store)
        return try issuer.response(
            tenant: tenant,
            subject: client.clientID,
            audience: audience,
            client: client,
            scope: scope,
            session: nil,
            refreshToken: nil,
            signer: signer
        )
    }
}
