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
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case name, type, scopes, audiences
        case clientSecret = "client_secret"
        case grantTypes = "grant_types"
        case allowedOrigins = "allowed_origins"
        case dpopBoundAccessTokens = "dpop_bound_access_tokens"
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
        createdAt = client.createdAt
        updatedAt = client.updatedAt
    }
}
