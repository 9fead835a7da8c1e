import BatonCore

/// Tenant settings as JSON, every member optional: the `settings` object of create and update requests.
struct TenantSettingsBody: Decodable {
    let patch: TenantSettingsPatch

    enum CodingKeys: String, CodingKey, CaseIterable {
        case accessTokenTTL = "access_token_ttl"
        case refreshIdleTTL = "refresh_idle_ttl"
        case refreshAbsoluteTTL = "refresh_absolute_ttl"
        case reuseGrace = "reuse_grace"
        case signingAlgorithm = "signing_alg"
        case keyRotationInterval = "key_rotation_interval"
        case jwksMaxAge = "jwks_max_age"
        case allowSignup = "allow_signup"
        case audiences
        case maxSessionsPerUser = "max_sessions_per_user"
        case onSessionLimit = "on_limit"
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch = TenantSettingsPatch(
            accessTokenTTL: try c.decodeIfPresentNonNull(Int.self, forKey: .accessTokenTTL),
            refreshIdleTTL: try c.decodeIfPresentNonNull(Int.self, forKey: .refreshIdleTTL),
            refreshAbsoluteTTL: try c.decodeIfPresentNonNull(Int.self, forKey: .refreshAbsoluteTTL),
            reuseGrace: try c.decodeIfPresentNonNull(Int.self, forKey: .reuseGrace),
            signingAlgorithm: try c.decodeIfPresentNonNull(String.self, forKey: .signingAlgorithm).map { raw throws(BatonError) in
                try SigningAlgorithm(parsing: raw)
            },
            keyRotationInterval: try c.decodeIfPresentNonNull(Int.self, forKey: .keyRotationInterval),
            jwksMaxAge: try c.decodeIfPresentNonNull(Int.self, forKey: .jwksMaxAge),
            allowSignup: try c.decodeIfPresentNonNull(Bool.self, forKey: .allowSignup),
            audiences: try c.decodeIfPresentNonNull([String].self, forKey: .audiences),
            maxSessionsPerUser: try c.decodeIfPresentNonNull(Int.self, forKey: .maxSessionsPerUser),
            onSessionLimit: try c.decodeIfPresentNonNull(String.self, forKey: .onSessionLimit).map { raw throws(BatonError) in
                try SessionLimit.Action(parsing: raw)
            }
        )
    }
}
