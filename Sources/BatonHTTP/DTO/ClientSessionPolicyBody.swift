import BatonCore

/// A client's own lifetimes and session cap as JSON members of create and update requests: each optional, `null`
/// meaning the tenant's.
struct ClientSessionPolicyBody {
    let patch: ClientSessionPolicyPatch

    enum CodingKeys: String, CodingKey, CaseIterable {
        case accessTokenTTL = "access_token_ttl"
        case refreshIdleTTL = "refresh_idle_ttl"
        case refreshAbsoluteTTL = "refresh_absolute_ttl"
        case reuseGrace = "reuse_grace"
        case maxSessionsPerUser = "max_sessions_per_user"
        case onSessionLimit = "on_limit"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch = ClientSessionPolicyPatch(
            accessTokenTTL: try c.decodeClearable(Int.self, forKey: .accessTokenTTL),
            refreshIdleTTL: try c.decodeClearable(Int.self, forKey: .refreshIdleTTL),
            refreshAbsoluteTTL: try c.decodeClearable(Int.self, forKey: .refreshAbsoluteTTL),
            reuseGrace: try c.decodeClearable(Int.self, forKey: .reuseGrace),
            maxSessionsPerUser: try c.decodeClearable(Int.self, forKey: .maxSessionsPerUser),
            onSessionLimit: try c.decodeIfPresentNonNull(String.self, forKey: .onSessionLimit).map { raw throws(BatonError) in
                try SessionLimit.Action(parsing: raw)
            }
        )
    }
}
