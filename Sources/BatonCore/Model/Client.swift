import Foundation

/// An application registered with a tenant. Confidential clients authenticate with a secret kept only as SHA-256.
public struct Client: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case `public`
        case confidential
    }

    public let tenantID: TenantID
    public let clientID: String
    public var name: String
    public let kind: Kind
    /// SHA-256 of the secret; nil for public clients.
    public var secretDigest: Data?
    public var grantTypes: [String]
    public var scopes: [String]
    public var audiences: [String]
    /// Origins whose pages may read this client's responses (CORS); public clients only. See `BrowserOrigin`.
    public var allowedOrigins: [String]
    /// RFC 9449 §5.2 `dpop_bound_access_tokens`: every login and refresh of this client must carry a DPoP proof.
    public var dpopBoundAccessTokens: Bool
    /// Token lifetimes and a session cap of the client's own, in place of the tenant's.
    public var sessionPolicy: ClientSessionPolicy
    public let createdAt: Date
    public var updatedAt: Date

    public init(
        tenantID: TenantID,
        clientID: String,
        name: String,
        kind: Kind,
        secretDigest: Data?,
        grantTypes: [String],
        scopes: [String],
        audiences: [String],
        allowedOrigins: [String],
        createdAt: Date,
        updatedAt: Date,
        dpopBoundAccessTokens: Bool = false,
        sessionPolicy: ClientSessionPolicy = ClientSessionPolicy()
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.name = name
        self.kind = kind
        self.secretDigest = secretDigest
        self.grantTypes = grantTypes
        self.scopes = scopes
        self.audiences = audiences
        self.allowedOrigins = allowedOrigins
        self.dpopBoundAccessTokens = dpopBoundAccessTokens
        self.sessionPolicy = sessionPolicy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
