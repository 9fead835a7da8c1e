/// A partial change of settings: nil fields stay as they are. `applied(to:)` validates the result as a whole.
public struct TenantSettingsPatch: Sendable, Equatable {
    public var accessTokenTTL: Int?
    public var refreshIdleTTL: Int?
    public var refreshAbsoluteTTL: Int?
    public var reuseGrace: Int?
    public var signingAlgorithm: SigningAlgorithm?
    public var keyRotationInterval: Int?
    public var jwksMaxAge: Int?
    public var allowSignup: Bool?
    public var audiences: [String]?
    public var maxSessionsPerUser: Int?
    public var onSessionLimit: SessionLimit.Action?

    public init(
        accessTokenTTL: Int? = nil,
        refreshIdleTTL: Int? = nil,
        refreshAbsoluteTTL: Int? = nil,
        reuseGrace: Int? = nil,
        signingAlgorithm: SigningAlgorithm? = nil,
        keyRotationInterval: Int? = nil,
        jwksMaxAge: Int? = nil,
        allowSignup: Bool? = nil,
        audiences: [String]? = nil,
        maxSessionsPerUser: Int? = nil,
        onSessionLimit: SessionLimit.Action? = nil
    ) {
        self.accessTokenTTL = accessTokenTTL
        self.refreshIdleTTL = refreshIdleTTL
        self.refreshAbsoluteTTL = refreshAbsoluteTTL
        self.reuseGrace = reuseGrace
        self.signingAlgorithm = signingAlgorithm
        self.keyRotationInterval = keyRotationInterval
        self.jwksMaxAge = jwksMaxAge
        self.allowSignup = allowSignup
        self.audiences = audiences
        self.maxSessionsPerUser = maxSessionsPerUser
        self.onSessionLimit = onSessionLimit
    }

    /// The settings with this patch applied, validated; throws naming the first setting out of range.
    public func applied(to settings: TenantSettings) throws(BatonError) -> TenantSettings {
        var result = settings
        if let accessTokenTTL { result.accessTokenTTL = accessTokenTTL }
        if let refreshIdleTTL { result.refreshIdleTTL = refreshIdleTTL }
        if let refreshAbsoluteTTL { result.refreshAbsoluteTTL = refreshAbsoluteTTL }
        if let reuseGrace { result.reuseGrace = reuseGrace }
        if let signingAlgorithm { result.signingAlgorithm = signingAlgorithm }
        if let keyRotationInterval { result.keyRotationInterval = keyRotationInterval }
        if let jwksMaxAge { result.jwksMaxAge = jwksMaxAge }
        if let allowSignup { result.allowSignup = allowSignup }
        if let audiences { result.audiences = audiences }
        if let maxSessionsPerUser { result.maxSessionsPerUser = maxSessionsPerUser }
        if let onSessionLimit { result.onSessionLimit = onSessionLimit }
        try TenantSettingsPolicy.validate(result)
        return result
    }
}
