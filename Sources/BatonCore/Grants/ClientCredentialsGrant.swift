import Foundation

/// `grant_type=client_credentials`: a confidential client's access token for itself; no session, no refresh token.
/// With a DPoP proof the token is bound to the proof's key (`cnf.jkt`, RFC 9449 §5).
public struct ClientCredentialsGrant<Store: ClientStore & SigningKeyStore & AuditStore & DPoPProofStore>: Sendable {
    let store: Store
    let clients: ClientService<Store>
    let issuer: AccessTokenIssuer
    let dpop: DPoPVerifier<Store>

    public init(store: Store, clients: ClientService<Store>, issuer: AccessTokenIssuer, dpop: DPoPVerifier<Store>) {
        self.store = store
        self.clients = clients
        self.issuer = issuer
        self.dpop = dpop
    }

    /// `grant_type=client_credentials`: an access token for the client itself; no session, no refresh token.
    public func grant(
        tenant: Tenant,
        credentials: ClientCredentials,
        scope rawScope: String?,
        audience rawAudience: String?,
        dpop presentation: DPoPPresentation? = nil
    ) async throws -> TokenResponse {
        let client = try await clients.authenticate(credentials, tenant: tenant)
        guard client.kind == .confidential, client.grantTypes.contains("client_credentials") else {
            throw OAuthError(.unauthorizedClient, "this client may not use client_credentials")
        }
        let scope = try issuer.grantedScope(requested: rawScope, allowed: client.scopes)
        let audience = try issuer.grantedAudience(requested: rawAudience, client: client, tenant: tenant)
        let proof = try await dpop.verifyTokenRequest(presentation, tenant: tenant, client: client)
        let signer = try await issuer.signer(for: tenant, store: store)
        return try issuer.response(
            tenant: tenant,
            subject: client.clientID,
            audience: audience,
            client: client,
            scope: scope,
            session: nil,
            refreshToken: nil,
            signer: signer,
            dpopThumbprint: proof?.thumbprint
        )
    }
}
