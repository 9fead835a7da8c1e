/// A client's own token lifetimes and session cap: each set member replaces the tenant's for the client's logins
/// (nil: the tenant's). The lifetimes a login gets are fixed on its session (`SessionLifetimes`); a later change to
/// the client or the tenant applies to later logins only.
public struct ClientSessionPolicy: Sendable, Equatable {
    public var accessTokenTTL: Int?
    public var refreshIdleTTL: Int?
    public var refreshAbsoluteTTL: Int?
    public var reuseGrace: Int?
    /// Live sessions a user may hold of this client, on top of the tenant's cap over all its clients; nil: none.
    public var maxSessionsPerUser: Int?
    /// What a login past `maxSessionsPerUser` does.
    public var onSessionLimit: SessionLimit.Action

    public init(
        accessTokenTTL: Int? = nil,
        refreshIdleTTL: Int? = nil,
        refreshAbsoluteTTL: Int? = nil,
        reuseGrace: Int? = nil,
        maxSessionsPerUser: Int? = nil,
        onSessionLimit: SessionLimit.Action = .reject
    ) {
        self.accessTokenTTL = accessTokenTTL
        self.refreshIdleTTL = refreshIdleTTL
        self.refreshAbsoluteTTL = refreshAbsoluteTTL
        self.reuseGrace = reuseGrace
        self.maxSessionsPerUser = maxSessionsPerUser
        self.onSessionLimit = onSessionLimit
    }

    /// The lifetimes a login of this client under `tenant` gets.
    public func lifetimes(under tenant: TenantSettings) -> SessionLifetimes {
        SessionLifetimes(
            accessTokenTTL: accessTokenTTL ?? tenant.accessTokenTTL,
            refreshIdleTTL: refreshIdleTTL ?? tenant.refreshIdleTTL,
            refreshAbsoluteTTL: refreshAbsoluteTTL ?? tenant.refreshAbsoluteTTL,
            reuseGrace: reuseGrace ?? tenant.reuseGrace
        )
    }

    /// The caps a login of `clientID` under `tenant` must respect: the client's own, then the tenant's.
    public func sessionLimits(clientID: String, under tenant: TenantSettings) -> [SessionLimit] {
        let own = maxSessionsPerUser.map { SessionLimit(maxPerUser: $0, action: onSessionLimit, clientID: clientID) }
        return [own, tenant.sessionLimit].compactMap { $0 }
    }

    /// Each override within the tenant policy's range (`TenantSettingsPolicy`), and the lifetimes they give under
    /// `tenant` consistent (idle never longer than absolute).
    public func validate(under tenant: TenantSettings) throws(BatonError) {
        try TenantSettingsPolicy.check("access_token_ttl", accessTokenTTL, in: TenantSettingsPolicy.accessTokenTTL)
        try TenantSettingsPolicy.check("refresh_idle_ttl", refreshIdleTTL, in: TenantSettingsPolicy.refreshIdleTTL)
        try TenantSettingsPolicy.check("refresh_absolute_ttl", refreshAbsoluteTTL, in: TenantSettingsPolicy.refreshAbsoluteTTL)
        try TenantSettingsPolicy.check("reuse_grace", reuseGrace, in: TenantSettingsPolicy.reuseGrace)
        if let maxSessionsPerUser, !Self.maxSessionsPerUser.contains(maxSessionsPerUser) {
            throw .invalidInput(
                "a client's max_sessions_per_user must be between 1 and \(Self.maxSessionsPerUser.upperBound), or null for no cap of its own"
            )
        }
        let effective = lifetimes(under: tenant)
        guard effective.refreshIdleTTL <= effective.refreshAbsoluteTTL else {
            throw .invalidInput(
                "the client's refresh_idle_ttl (\(effective.refreshIdleTTL) s) must not exceed its refresh_absolute_ttl "
                    + "(\(effective.refreshAbsoluteTTL) s, the tenant's where the client sets none)"
            )
        }
    }

    /// A client's own cap: at least one session (no cap of its own is nil).
    public static let maxSessionsPerUser = 1...TenantSettingsPolicy.maxSessionsPerUser.upperBound
}

/// The lifetimes of one session, fixed at its login from its client's policy and its tenant's settings.
public struct SessionLifetimes: Sendable, Equatable {
    public let accessTokenTTL: Int
    public let refreshIdleTTL: Int
    public let refreshAbsoluteTTL: Int
    public let reuseGrace: Int

    public init(accessTokenTTL: Int, refreshIdleTTL: Int, refreshAbsoluteTTL: Int, reuseGrace: Int) {
        self.accessTokenTTL = accessTokenTTL
        self.refreshIdleTTL = refreshIdleTTL
        self.refreshAbsoluteTTL = refreshAbsoluteTTL
        self.reuseGrace = reuseGrace
    }
}

/// A partial change of a client's policy: a nil member stays as it is; `.some(nil)` removes the client's own value,
/// so the tenant's applies again.
public struct ClientSessionPolicyPatch: Sendable, Equatable {
    public var accessTokenTTL: Int??
    public var refreshIdleTTL: Int??
    public var refreshAbsoluteTTL: Int??
    public var reuseGrace: Int??
    public var maxSessionsPerUser: Int??
    public var onSessionLimit: SessionLimit.Action?

    public init(
        accessTokenTTL: Int?? = nil,
        refreshIdleTTL: Int?? = nil,
        refreshAbsoluteTTL: Int?? = nil,
        reuseGrace: Int?? = nil,
        maxSessionsPerUser: Int?? = nil,
        onSessionLimit: SessionLimit.Action? = nil
    ) {
        self.accessTokenTTL = accessTokenTTL
        self.refreshIdleTTL = refreshIdleTTL
        self.refreshAbsoluteTTL = refreshAbsoluteTTL
        self.reuseGrace = reuseGrace
        self.maxSessionsPerUser = maxSessionsPerUser
        self.onSessionLimit = onSessionLimit
    }

    /// `policy` with this patch's members in place of its own.
    public func applied(to policy: ClientSessionPolicy) -> ClientSessionPolicy {
        var result = policy
        if let accessTokenTTL { result.accessTokenTTL = accessTokenTTL }
        if let refreshIdleTTL { result.refreshIdleTTL = refreshIdleTTL }
        if let refreshAbsoluteTTL { result.refreshAbsoluteTTL = refreshAbsoluteTTL }
        if let reuseGrace { result.reuseGrace = reuseGrace }
        if let maxSessionsPerUser { result.maxSessionsPerUser = maxSessionsPerUser }
        if let onSessionLimit { result.onSessionLimit = onSessionLimit }
        return result
    }
}
