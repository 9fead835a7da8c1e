import BatonCore
import Foundation
import Hummingbird

/// A tenant with all its settings, as the admin API returns it.
struct TenantResponse: ResponseEncodable {
    let id: String
    let displayName: String
    let issuer: String
    let settings: Settings
    let createdAt: Date
    let updatedAt: Date

    struct Settings: Encodable {
        let accessTokenTTL: Int
        let refreshIdleTTL: Int
        let refreshAbsoluteTTL: Int
        let reuseGrace: Int
        let signingAlg: String
        let keyRotationInterval: Int
        let jwksMaxAge: Int
        let allowSignup: Bool
        let audiences: [String]
        let maxSessionsPerUser: Int
        let onLimit: String

        enum CodingKeys: String, CodingKey {
            case accessTokenTTL = "access_token_ttl"
            case refreshIdleTTL = "refresh_idle_ttl"
            case refreshAbsoluteTTL = "refresh_absolute_ttl"
            case reuseGrace = "reuse_grace"
            case signingAlg = "signing_alg"
            case keyRotationInterval = "key_rotation_interval"
            case jwksMaxAge = "jwks_max_age"
            case allowSignup = "allow_signup"
            case audiences
            case maxSessionsPerUser = "max_sessions_per_user"
            case onLimit = "on_limit"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id
        case displayName = "display_name"
        case issuer
        case settings
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ tenant: Tenant, publicURL: String) {
        let s = tenant.settings
        id = tenant.slug.value
        displayName = tenant.displayName
        issuer = tenant.issuer(publicURL: publicURL)
        settings = Settings(
            accessTokenTTL: s.accessTokenTTL,
            refreshIdleTTL: s.refreshIdleTTL,
            refreshAbsoluteTTL: s.refreshAbsoluteTTL,
            reuseGrace: s.reuseGrace,
            signingAlg: s.signingAlgorithm.rawValue,
            keyRotationInterval: s.keyRotationInterval,
            jwksMaxAge: s.jwksMaxAge,
            allowSignup: s.allowSignup,
            audiences: s.audiences,
            maxSessionsPerUser: s.maxSessionsPerUser,
            onLimit: s.onSessionLimit.rawValue
        )
        createdAt = tenant.createdAt
        updatedAt = tenant.updatedAt
    }
}
