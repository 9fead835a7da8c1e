import BatonCore

/// `POST /admin/v1/tenants/{tenant}/clients` body.
struct CreateClientRequest: Decodable {
    let clientID: String?
    let name: String
    let type: String
    let grantTypes: [String]?
    let scopes: [String]?
    let audiences: [String]?
    let allowedOrigins: [String]?
    let dpopBoundAccessTokens: Bool?
    /// Lifetimes and a session cap of the client's own (`access_token_ttl`, …, `on_limit`); `null` is the tenant's.
    let sessionPolicy: ClientSessionPolicyPatch

    enum CodingKeys: String, CodingKey, CaseIterable {
        case clientID = "client_id"
        case name, type, scopes, audiences
        case grantTypes = "grant_types"
        case allowedOrigins = "allowed_origins"
        case dpopBoundAccessTokens = "dpop_bound_access_tokens"
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self, ClientSessionPolicyBody.CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clientID = try c.decodeIfPresentNonNull(String.self, forKey: .clientID)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decode(String.self, forKey: .type)
        grantTypes = try c.decodeIfPresentNonNull([String].self, forKey: .grantTypes)
        scopes = try c.decodeIfPresentNonNull([String].self, forKey: .scopes)
        audiences = try c.decodeIfPresentNonNull([String].self, forKey: .audiences)
        allowedOrigins = try c.decodeIfPresentNonNull([String].self, forKey: .allowedOrigins)
        dpopBoundAccessTokens = try c.decodeIfPresentNonNull(Bool.self, forKey: .dpopBoundAccessTokens)
        sessionPolicy = try ClientSessionPolicyBody(from: decoder).patch
    }
}
