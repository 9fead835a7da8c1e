import BatonCore
import Foundation
import Hummingbird

/// A tenant's signing keys with state and timestamps; public parts only.
struct SigningKeyListResponse: ResponseEncodable {
    let keys: [Key]

    struct Key: Encodable {
        let kid: String
        let alg: String
        let state: String
        let publicJWK: PublicJWK
        let createdAt: Date
        let activatedAt: Date?
        let retiringAt: Date?
        let retireAfter: Date?
        let retiredAt: Date?
        let revokedAt: Date?

        enum CodingKeys: String, CodingKey {
            case kid, alg, state
            case publicJWK = "public_jwk"
            case createdAt = "created_at"
            case activatedAt = "activated_at"
            case retiringAt = "retiring_at"
            case retireAfter = "retire_after"
            case retiredAt = "retired_at"
            case revokedAt = "revoked_at"
        }
    }

    init(_ keys: [SigningKey]) {
        self.keys = keys.map {
            Key(
                kid: $0.kid,
                alg: $0.algorithm.rawValue,
                state: $0.state.rawValue,
                publicJWK: $0.publicJWK,
                createdAt: $0.createdAt,
                activatedAt: $0.activatedAt,
                retiringAt: $0.retiringAt,
                retireAfter: $0.retireAfter,
                retiredAt: $0.retiredAt,
                revokedAt: $0.revokedAt
            )
        }
    }
}
