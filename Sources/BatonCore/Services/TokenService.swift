import Foundation
import Logging

/// The grants: first-party login (password → session), refresh_token, and client_credentials.
public struct TokenService<Store: BatonStore>: Sendable {
    let store: Store
    let clients: ClientService<Store>
    let users: UserService<Store>
    let refreshTokens: RefreshTokenService<Store>
    let signingKeys: SigningKeyRing
    let throttle: LoginThrottle<Store>
    let audit: AuditLog<Store>
    let metrics: any TokenMetrics
    let publicURL: String
    let clock: any BatonClock
    let logger: Logger

    public init(
        store: Store,
        clients: ClientService<Store>,
        users: UserService<Store>,
        refreshTokens: RefreshTokenService<Store>,
        signingKeys: SigningKeyRing,
        throttle: LoginThrottle<Store>,
        audit: AuditLog<Store>,
        metrics: any TokenMetrics = NoTokenMetrics(),
        publicURL: String,
        clock: any BatonClock,
        logger: Logger
    ) {
        self.store = store
        self.clients = clients
        self.users = users
        self.refreshTokens = refreshTokens
        self.signingKeys = signingKeys
        self.throttle = throttle
        self.audit = audit
        self.metrics = metrics
        self.publicURL = publicURL
        self.clock = clock
        self.logger = logger
    }

    /// Verifies the password and starts a session. Unknown user, wrong password and disabled user answer alike.
    public func login(
        tenant: Tenant,
        credentials: ClientCredentials,
        username: String,
        password: String,
        scope rawScope: String?,
        audience rawAudience: String?,
        userAgent: String?,
        ipAddress: String?
    ) async throws -> TokenResponse {
        guard password.unicodeScalars.count <= PasswordPolicy.maxLength else {
            throw OAuthError(.invalidRequest, "password must be at most \(PasswordPolicy.maxLength) characters")
        }
        let client = try await clients.authenticate(credentials, tenant: tenant)
        guard client.grantTypes.contains("refresh_token") else {
            throw OAuthError(.unauthorizedClient, "this client may not start sessions (grant type refresh_token not allowed)")
        }
        let scope = try grantedScope(requested: rawScope, allowed: client.scopes)
        let audience = try grantedAudience(requested: rawAudience, client: client, tenant: tenant)
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
        let signer = try await signingKeys.signer(for: tenant.id, store: store)
        let (session, refreshToken) = try await refreshTokens.startSession(
            tenant: tenant,
            userID: user.id,
            clientID: client.clientID,
            scope: scope,
            audience: audience,
            userAgent: userAgent,
            ipAddress: ipAddress
        )
        logger.info("login succeeded", metadata: ["tenant": "\(tenant.slug)", "user_id": "\(user.id)", "session_id": "\(session.id)"])
        await audit.record(
            .loginSucceeded,
            tenant: tenant.id,
            actor: actor,
            sessionID: session.id,
            userID: user.id,
            clientID: client.clientID,
            sourceIP: ipAddress
        )
        await audit.record(
            .sessionCreated,
            tenant: tenant.id,
            actor: actor,
            sessionID: session.id,
            userID: user.id,
            clientID: client.clientID,
            sourceIP: ipAddress
        )
        return try tokenResponse(
            tenant: tenant,
            subject: user.id.uuidString.lowercased(),
            audience: audience,
            client: client,
            scope: scope,
            session: session,
            refreshToken: refreshToken,
            signer: signer
        )
    }

    /// `grant_type=refresh_token`: rotates (or grace-retries) and answers with a fresh access token.
    public func refresh(
        tenant: Tenant,
        credentials: ClientCredentials,
        refreshToken raw: String,
        scope rawScope: String?,
        ipAddress: String?
    ) async throws -> TokenResponse {
        let client = try await clients.authenticate(credentials, tenant: tenant)
        guard client.grantTypes.contains("refresh_token") else { throw OAuthError(.unauthorizedClient, "this client may not use refresh_token") }
        let requested = try ScopeList.parse(rawScope)
        // Loaded before the rotation: once the token is spent, nothing that could fail stands between the
        // rotation and the answer.
        let signer = try await signingKeys.signer(for: tenant.id, store: store)
        let result: RefreshResult
        do {
            // Never wider than the session (RFC 6749 §6), checked inside the rotation; narrower applies to this
            // access token only.
            result = try await refreshTokens.refresh(
                tenant: tenant,
                presented: raw,
                clientID: client.clientID,
                scope: requested,
                ipAddress: ipAddress
            )
        } catch let error as BatonError where error.kind == .invalidGrant {
            throw OAuthError(.invalidGrant, error.message)
        }
        let session = result.session
        return try tokenResponse(
            tenant: tenant,
            subject: session.userID.uuidString.lowercased(),
            audience: session.audience,
            client: client,
            scope: requested ?? session.scope,
            session: session,
            refreshToken: result.refreshToken,
            signer: signer,
            at: result.decidedAt
        )
    }

    /// `grant_type=client_credentials`: an access token for the client itself; no session, no refresh token.
    public func clientCredentials(
        tenant: Tenant,
        credentials: ClientCredentials,
        scope rawScope: String?,
        audience rawAudience: String?
    ) async throws -> TokenResponse {
        let client = try await clients.authenticate(credentials, tenant: tenant)
        guard client.kind == .confidential, client.grantTypes.contains("client_credentials") else {
            throw OAuthError(.unauthorizedClient, "this client may not use client_credentials")
        }
        let scope = try grantedScope(requested: rawScope, allowed: client.scopes)
        let audience = try grantedAudience(requested: rawAudience, client: client, tenant: tenant)
        let signer = try await signingKeys.signer(for: tenant.id, store: store)
        return try tokenResponse(
            tenant: tenant,
            subject: client.clientID,
            audience: audience,
            client: client,
            scope: scope,
            session: nil,
            refreshToken: nil,
            signer: signer
        )
    }

    /// The answer of a grant, signed by `signer` (loaded before anything was written), issued at `now`.
    private func tokenResponse(
        tenant: Tenant,
        subject: String,
        audience: [String],
        client: Client,
        scope: [String],
        session: Session?,
        refreshToken: RefreshToken?,
        signer: AccessTokenSigner,
        at now: Date? = nil
    ) throws -> TokenResponse {
        let now = now ?? clock.now()
        // Never past the end of its session: resource servers verify offline and cannot see that the session ended.
        let lifetime = min(tenant.settings.accessTokenTTL, session?.wholeSecondsLeft(at: now) ?? .max)
        // A session ending within this very second would get an access token expired on issue (exp = iat, expires_in
        // 0): for the client it has ended, and it is told so. A refresh never gets here with such a session (its
        // rotation or grace retry required `Session.refreshableUntil` at `now`), so this refuses only a login.
        guard lifetime > 0 else { throw OAuthError(.invalidGrant, "the session has expired") }
        let claims = AccessTokenClaims(
            issuer: tenant.issuer(publicURL: publicURL),
            subject: subject,
            audience: audience,
            issuedAt: now,
            lifetime: lifetime,
            clientID: client.clientID,
            scope: scope,
            sessionID: session?.id
        )
        return TokenResponse(accessToken: try signer.sign(claims), expiresIn: lifetime, refreshToken: refreshToken?.encoded, scope: scope)
    }

    private func grantedScope(requested raw: String?, allowed: [String]) throws -> [String] {
        guard let requested = try ScopeList.parse(raw) else { return allowed }
        guard Set(requested).isSubset(of: allowed) else { throw OAuthError(.invalidScope, "scope exceeds what the client may ask for") }
        return requested
    }

    /// The requested audiences must be allowed by the tenant and the client; the default is the tenant's issuer.
    private func grantedAudience(requested raw: String?, client: Client, tenant: Tenant) throws -> [String] {
        guard let raw else { return [tenant.issuer(publicURL: publicURL)] }
        let requested = Array(Set(raw.split(separator: " ").map(String.init))).sorted()
        let allowed = Set(tenant.settings.audiences).intersection(client.audiences)
        guard !requested.isEmpty, Set(requested).isSubset(of: allowed) else {
            throw OAuthError(.invalidRequest, "audience is not one this client may ask for")
        }
        return requested
    }
}
