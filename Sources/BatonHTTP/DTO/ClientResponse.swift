import BatonCore
import Foundation
import Hummingbird

/// A client as the admin API shows it; `client_secret` only in the answer that created it.
struct ClientResponse: ResponseEncodable {
    let clientID: String
    let name: String
    let type: String
    let clientSecret: String?
    let grantTypes: [String]
    let scopes: [String]
    let audiences: [String]
    let allowedOrigins: [String]
    let dpopBoundAccessTokens: Bool
    /// The client's own values; nil (JSON null): the tenant's.
    let accessTokenTTL: Int?
    let refreshIdleTTL: Int?
    let refreshAbsoluteTTL: Int?
    let reuseGrace: Int?
    let maxSessionsPerUser: Int?
    let onSessionLimit: String
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case name, type, scopes, audiences
        case clientSecret = "client_secret"
        case grantTypes = "grant_types"
        case allowedOrigins = "allowed_origins"
        case dpopBoundAccessTokens = "dpop_bound_access_tokens"
        case accessTokenTTL = "access_token_ttl"
        case refreshIdleTTL = "refresh_idle_ttl"
        case refreshAbsoluteTTL = "refresh_absolute_ttl"
        case reuseGrace = "reuse_grace"
        case maxSessionsPerUser = "max_sessions_per_user"
        case onSessionLimit = "on_limit"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ client: Client, secret: String?) {
        clientID = client.clientID
        name = client.name
        type = client.kind.rawValue
        clientSecret = secret
        grantTypes = client.grantTypes
        scopes = client.scopes
        audiences = client.audiences
        allowedOrigins = client.allowedOrigins
        dpopBoundAccessTokens = client.dpopBoundAccessTokens
        accessTokenTTL = client.sessionPolicy.accessTokenTTL
        refreshIdleTTL = client.sessionPolicy.refreshIdleTTL
        refreshAbsoluteTTL = client.sessionPolicy.refreshAbsoluteTTL
        reuseGrace = client.sessionPolicy.reuseGrace
        maxSessionsPerUser = client.sessionPolicy.maxSessionsPerUser
        onSessionLimit = client.sessionPolicy.onSessionLimit.rawValue
        createdAt = client.createdAt
        updatedAt = client.updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clientID, forKey: .clientID)
        try c.encode(name, forKey: .name)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(clientSecret, forKey: .clientSecret)
        try c.encode(grantTypes, forKey: .grantTypes)
        try c.encode(scopes, forKey: .scopes)
        try c.encode(audiences, forKey: .audiences)
        try c.encode(allowedOrigins, forKey: .allowedOrigins)
        try c.encode(dpopBoundAccessTokens, forKey: .dpopBoundAccessTokens)
        // Written as null when unset, so a reader sees that the tenant's value applies.
        try c.encode(accessTokenTTL, forKey: .accessTokenTTL)
        try c.encode(refreshIdleTTL, forKey: .refreshIdleTTL)
        try c.encode(refreshAbsoluteTTL, forKey: .refreshAbsoluteTTL)
        try c.encode(reuseGrace, forKey: .reuseGrace)
        try c.encode(maxSessionsPerUser, forKey: .maxSessionsPerUser)
        try c.encode(onSessionLimit, forKey: .onSessionLimit)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}
