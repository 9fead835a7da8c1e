/// A tenant's token and key policy. Durations are whole seconds.
public struct TenantSettings: Sendable, Equatable {
    public var accessTokenTTL: Int
    public var refreshIdleTTL: Int
    public var refreshAbsoluteTTL: Int
    public var reuseGrace: Int
    public var signingAlgorithm: SigningAlgorithm
    public var keyRotationInterval: Int
    public var jwksMaxAge: Int
    public var allowSignup: Bool
    public var audiences: [String]
    /// Live sessions per user; 0: no cap.
    public var maxSessionsPerUser: Int
    /// What a login past `maxSessionsPerUser` does.
    public var onSessionLimit: SessionLimit.Action

    public static let `default` = TenantSettings(
        accessTokenTTL: 900,
        refreshIdleTTL: 14 * 86_400,
        refreshAbsoluteTTL: 90 * 86_400,
        reuseGrace: 10,
        signingAlgorithm: .es256,
        keyRotationInterval: 30 * 86_400,
        jwksMaxAge: 600,
        allowSignup: false,
        audiences: []
    )

    public init(
        accessTokenTTL: Int,
        refreshIdleTTL: Int,
        refreshAbsoluteTTL: Int,
        reuseGrace: Int,
        signingAlgorithm: SigningAlgorithm,
        keyRotationInterval: Int,
        jwksMaxAge: Int,
        allowSignup: Bool,
        audiences: [String],
        maxSessionsPerUser: Int = 0,
        onSessionLimit: SessionLimit.Action = .reject
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

    /// The cap on each user's live sessions, if any.
    public var sessionLimit: SessionLimit? {
        maxSessionsPerUser > 0 ? SessionLimit(maxPerUser: maxSessionsPerUser, action: onSessionLimit) : nil
    }
}
