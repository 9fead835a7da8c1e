import Foundation
import Logging

/// First-party login: a username and password for a public or confidential client start a session. Owns the
/// login's validation, brute-force limits, refusals, metrics and audit.
public struct PasswordLogin<
    Store: UserStore & SessionStore & ChainKeyStore & SigningKeyStore & ClientStore & AuditStore & LoginThrottleStore & DPoPProofStore
>:
    Sendable
{
    let store: Store
    let clients: ClientService<Store>
    let users: UserService<Store>
    let refreshTokens: RefreshTokenGrant<Store>
    let issuer: AccessTokenIssuer
    let throttle: LoginThrottle<Store>
    let audit: AuditLog<Store>
    let metrics: any TokenMetrics
    let logger: Logger

    public init(
        store: Store,
        clients: ClientService<Store>,
        users: UserService<Store>,
        refreshTokens: RefreshTokenGrant<Store>,
        issuer: AccessTokenIssuer,
        throttle: LoginThrottle<Store>,
        audit: AuditLog<Store>,
        metrics: any TokenMetrics = NoTokenMetrics(),
        logger: Logger
    ) {
        self.store = store
        self.clients = clients
        self.users = users
        self.refreshTokens = refreshTokens
        self.issuer = issuer
        self.throttle = throttle
        self.audit = audit
        self.metrics = metrics
        self.logger = logger
    }

    /// Verifies the password and starts a session. Unknown user, wrong password and disabled user answer alike.
    public func grant(
        tenant: Tenant,
        credentials: ClientCredentials,
        username: String,
        password: String,
        scope rawScope: String?,
        audience rawAudience: String?,
        userAgent: String?,
        ipAddress: String?,
        dpop presentation: DPoPPresentation? = nil
    ) async throws -> TokenResponse {
        guard password.unicodeScalars.count <= PasswordPolicy.maxLength else {
            throw OAuthError(.invalidRequest, "password must be at most \(PasswordPolicy.maxLength) characters")
        }
        let client = try await clients.authenticate(credentials, tenant: tenant)
        guard client.grantTypes.contains("refresh_token") else {
            throw OAuthError(.unauthorizedClient, "this client may not start sessions (grant type refresh_token not allowed)")
        }
        // Before the password is hashed: a proof without the nonce costs the client a retry, not a throttle slot.
        let proof = try await refreshTokens.dpop.verifyTokenRequest(presentation, tenant: tenant, client: client)
        let scope = try issuer.grantedScope(requested: rawScope, allowed: client.scopes)
        let audience = try issuer.grantedAudience(requested: rawAudience, client: client, tenant: tenant)
        let actor = "client:\(client.clientID)"
        do {
            try await throttle.reserve(tenant: tenant, username: username, sourceIP: ipAddress)
        } catch let error as BatonError where error.kind == .rateLimited {
            await audit.record(.loginThrottled, tenant: tenant.id, actor: actor, clientID: client.clientID, sourceIP: ipAddress)
            throw error
        }
        let verified: User?
        do {
            verified = try await users.verifyCredentials(tenant: tenant, username: username, password: password)
        } catch {
            // Not a guess (no hashing slot, the store failed): the reserved attempt is given back.
            _ = try? await throttle.abandoned(tenant: tenant, username: username, sourceIP: ipAddress)
            throw error
        }
        guard let user = verified else {
            logger.notice(
                "login failed",
                metadata: ["tenant": "\(tenant.slug)", "client_id": "\(client.clientID)", "source_ip": "\(ipAddress ?? "-")"]
            )
            metrics.login(succeeded: false)
            await audit.record(.loginFailed, tenant: tenant.id, actor: actor, clientID: client.clientID, sourceIP: ipAddress)
            throw OAuthError(.invalidGrant, "invalid username or password")
        }
        metrics.login(succeeded: true)
        try await throttle.succeeded(tenant: tenant, username: username, sourceIP: ipAddress)
        // Loaded before the session is created, so a tenant without a usable key answers 503 having created nothing.
        let signer = try await issuer.signer(for: tenant, store: store)
        let (session, refreshToken) = try await refreshTokens.startSession(
            tenant: tenant,
            userID: user.id,
            clientID: client.clientID,
            policy: client.sessionPolicy,
            scope: scope,
            audience: audience,
            userAgent: userAgent,
            ipAddress: ipAddress,
            dpopJKT: proof?.thumbprint
        )
        logger.info("login succeeded", metadata: ["tenant": "\(tenant.slug)", "user_id": "\(user.id)", "session_id": "\(session.id)"])
        for kind in [AuditEvent.Kind.loginSucceeded, .sessionCreated] {
            await audit.record(
                kind,
                tenant: tenant.id,
                actor: actor,
                sessionID: session.id,
                userID: user.id,
                clientID: client.clientID,
                sourceIP: ipAddress
            )
        }
        return try issuer.response(
            tenant: tenant,
            subject: user.id.uuidString.lowercased(),
            audience: audience,
            client: client,
            scope: scope,
            session: session,
            refreshToken: refreshToken,
            signer: signer,
            dpopThumbprint: proof?.thumbprint
        )
    }
}
