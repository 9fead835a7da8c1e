import BatonCore

/// The Core services the HTTP layer calls, and the few settings it needs to build URLs and answer readiness.
public struct BatonServices<Store: BatonStore>: Sendable {
    public let tenants: TenantService<Store>
    public let keys: KeyService<Store>
    public let adminAuthenticator: AdminAuthenticator<Store>
    public let adminAccess: AdminAccess<Store>
    public let clients: ClientService<Store>
    public let users: UserService<Store>
    public let signup: SignupService<Store>
    public let passwordLogin: PasswordLogin<Store>
    public let refreshTokens: RefreshTokenGrant<Store>
    public let clientCredentials: ClientCredentialsGrant<Store>
    public let sessions: SessionService<Store>
    public let audit: AuditLog<Store>
    public let metrics: BatonMetrics
    public let keyRotation: KeyRotationService<Store>
    public let cacheCoordinator: CacheCoordinator<Store>
    /// Issuer base, without a trailing slash.
    public let publicURL: String
    /// True when the instance can serve: its store answers and its start-up work (migrations check, keys) is done.
    public let isReady: @Sendable () async -> Bool

    public init(
        tenants: TenantService<Store>,
        keys: KeyService<Store>,
        adminAuthenticator: AdminAuthenticator<Store>,
        clients: ClientService<Store>,
        users: UserService<Store>,
        signup: SignupService<Store>,
        passwordLogin: PasswordLogin<Store>,
        refreshTokens: RefreshTokenGrant<Store>,
        clientCredentials: ClientCredentialsGrant<Store>,
        sessions: SessionService<Store>,
        audit: AuditLog<Store>,
        metrics: BatonMetrics,
        keyRotation: KeyRotationService<Store>,
        cacheCoordinator: CacheCoordinator<Store>,
        publicURL: String,
        isReady: @escaping @Sendable () async -> Bool
    ) {
        self.tenants = tenants
        self.keys = keys
        self.adminAuthenticator = adminAuthenticator
        self.adminAccess = AdminAccess(tenants: tenants, authenticator: adminAuthenticator)
        self.clients = clients
        self.users = users
        self.signup = signup
        self.passwordLogin = passwordLogin
        self.refreshTokens = refreshTokens
        self.clientCredentials = clientCredentials
        self.sessions = sessions
        self.audit = audit
        self.metrics = metrics
        self.keyRotation = keyRotation
        self.cacheCoordinator = cacheCoordinator
        self.publicURL = publicURL
        self.isReady = isReady
    }
}
