import Foundation
import Logging

/// `grant_type=refresh_token`, and the chain it spends: starts a session's chain at login, then rotates, grace-retries
/// or detects reuse. Owns the grant's validation, refusals, metrics and audit.
public struct RefreshTokenGrant<Store: SessionStore & ChainKeyStore & SigningKeyStore & ClientStore & AuditStore & DPoPProofStore>: Sendable {
    let store: Store
    let clients: ClientService<Store>
    let issuer: AccessTokenIssuer
    let dpop: DPoPVerifier<Store>
    let chains: ChainKeyRing
    let audit: AuditLog<Store>
    let metrics: any TokenMetrics
    let clock: any BatonClock
    let logger: Logger

    public init(
        store: Store,
        clients: ClientService<Store>,
        issuer: AccessTokenIssuer,
        dpop: DPoPVerifier<Store>,
        chains: ChainKeyRing,
        audit: AuditLog<Store>,
        metrics: any TokenMetrics = NoTokenMetrics(),
        clock: any BatonClock,
        logger: Logger
    ) {
        self.store = store
        self.clients = clients
        self.issuer = issuer
        self.dpop = dpop
        self.chains = chains
        self.audit = audit
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    /// Creates a session of client `clientID` for a login, with the lifetimes and under the caps its `policy` and
    /// the tenant's settings give, and returns it with its generation-0 refresh token (256 random bits, and its chain
    /// proof).
    public func startSession(
        tenant: Tenant,
        userID: UUID,
        clientID: String,
        policy: ClientSessionPolicy = ClientSessionPolicy(),
        scope: [String],
        audience: [String],
        userAgent: String?,
        ipAddress: String?,
        dpopJKT: String? = nil
    ) async throws -> (Session, RefreshToken) {
        let now = clock.now()
        let secret = RandomSecret.bytes(32)
        let lifetimes = policy.lifetimes(under: tenant.settings)
        let absolute = now.addingTimeInterval(TimeInterval(lifetimes.refreshAbsoluteTTL))
        let session = Session(
            tenantID: tenant.id,
            id: UUID(),
            userID: userID,
            clientID: clientID,
            scope: scope,
            audience: audience,
            createdAt: now,
            absoluteExpiresAt: absolute,
            idleExpiresAt: min(absolute, now.addingTimeInterval(TimeInterval(lifetimes.refreshIdleTTL))),
            generation: 0,
            currentHash: RefreshChain.digest(secret),
            userAgent: userAgent.map { String($0.prefix(512)) },
            ipAddress: ipAddress,
            dpopJKT: dpopJKT,
            lifetimes: lifetimes
        )
        let chain = try await chains.chain(for: tenant.id, store: store)
        let limits = policy.sessionLimits(clientID: clientID, under: tenant.settings)
        guard !limits.isEmpty else {
            try await store.createSession(session)
            return (session, chain.token(sessionID: session.id, generation: 0, secret: secret))
        }
        guard let evicted = try await store.createSession(session, within: limits) else {
            let limit = limits.map { "\($0.maxPerUser) live sessions\($0.clientID == nil ? "" : " of this client")" }.joined(separator: " and ")
            throw OAuthError(.sessionLimitReached, "the user has reached the limit of \(limit): end one first")
        }
        for old in evicted {
            logger.info("session evicted", metadata: ["tenant": "\(tenant.slug)", "session_id": "\(old.id)", "user_id": "\(userID)"])
            await audit.record(
                .sessionRevoked,
                tenant: tenant.id,
                actor: "client:\(clientID)",
                sessionID: old.id,
                userID: userID,
                clientID: old.clientID,
                details: ["reason": SessionLimit.evictionReason]
            )
        }
        return (session, chain.token(sessionID: session.id, generation: 0, secret: secret))
    }

    /// The grant: authenticates the client, spends the token, and answers with a fresh access token.
    public func grant(
        tenant: Tenant,
        credentials: ClientCredentials,
        refreshToken raw: String,
        scope rawScope: String?,
        ipAddress: String?,
        dpop presentation: DPoPPresentation? = nil
    ) async throws -> TokenResponse {
        let client = try await clients.authenticate(credentials, tenant: tenant)
        guard client.grantTypes.contains("refresh_token") else { throw OAuthError(.unauthorizedClient, "this client may not use refresh_token") }
        let proof = try await dpop.verifyTokenRequest(presentation, tenant: tenant, client: client)
        let requested = try ScopeList.parse(rawScope)
        // Loaded before the rotation: once the token is spent, nothing that could fail stands between the
        // rotation and the answer.
        let signer = try await issuer.signer(for: tenant, store: store)
        // Never wider than the session (RFC 6749 §6), checked inside the rotation; narrower applies to this
        // access token only. The store is called from here, not through `spend`: one call less on the hot path.
        let spending = try await prepare(raw, tenant: tenant, clientID: client.clientID, scope: requested, proofThumbprint: proof?.thumbprint)
        let rotated = try await store.rotate(spending.request)
        let result = try await settle(spending, rotated: rotated, tenant: tenant, ipAddress: ipAddress)
        let session = result.session
        return try issuer.response(
            tenant: tenant,
            subject: session.userID.uuidString.lowercased(),
            audience: session.audience,
            client: client,
            scope: requested ?? session.scope,
            session: session,
            refreshToken: result.refreshToken,
            signer: signer,
            dpopThumbprint: proof?.thumbprint,
            at: result.decidedAt
        )
    }

    /// Spends `presented` for `clientID`, for at most `scope` (nil: the session's whole scope): what `grant` does once
    /// it has authenticated the client, for a caller that has done so itself. Every check that can refuse is made
    /// before or inside the rotation, so a refusal changes nothing: `invalid_grant`, or `invalid_scope` for a token of
    /// the chain asking for more than its session holds. Only detected reuse changes state, and that revocation is
    /// committed before this throws. Each outcome is counted where it is decided. A session bound to a DPoP key
    /// rotates only for `proofThumbprint` of that key; any other refuses without revoking anything.
    public func spend(
        tenant: Tenant,
        presented raw: String,
        clientID: String,
        scope: [String]? = nil,
        ipAddress: String? = nil,
        proofThumbprint: String? = nil
    ) async throws -> RefreshResult {
        let spending = try await prepare(raw, tenant: tenant, clientID: clientID, scope: scope, proofThumbprint: proofThumbprint)
        let rotated = try await store.rotate(spending.request)
        return try await settle(spending, rotated: rotated, tenant: tenant, ipAddress: ipAddress)
    }

    /// A presented refresh token made ready to spend: the rotation it asks for, and the successor that rotation
    /// makes current.
    private struct Spending: Sendable {
        let token: RefreshToken
        let chain: RefreshChain
        let successor: Data
        let request: RotationRequest
    }

    /// Parses `raw` (refusing a token Baton did not issue before any store call) and states its rotation.
    private func prepare(
        _ raw: String,
        tenant: Tenant,
        clientID: String,
        scope: [String]?,
        proofThumbprint: String?
    ) async throws -> Spending {
        guard let token = RefreshToken(parsing: raw) else { throw invalid("the refresh token is invalid") }
        let chain = try await chains.chain(for: tenant.id, store: store)
        // A proof that does not hold: not a token Baton issued, refused before any store call.
        if token.proof != nil, !chain.proves(token) { throw invalid("the refresh token is invalid") }
        let now = clock.now()
        let successor = chain.successor(of: token.secret)
        let request = RotationRequest(
            tenantID: tenant.id,
            sessionID: token.sessionID,
            clientID: clientID,
            presentedGeneration: token.generation,
            presentedHash: RefreshChain.digest(token.secret),
            successorHash: RefreshChain.digest(successor),
            now: now,
            idleExpiresAt: now.addingTimeInterval(TimeInterval(tenant.settings.refreshIdleTTL)),
            requiredScope: scope ?? [],
            proofThumbprint: proofThumbprint
        )
        return Spending(token: token, chain: chain, successor: successor, request: request)
    }

    /// The refresh's outcome once the store has answered the rotation: the successor when it applied, else what
    /// `classifyFailedRotation` decides.
    private func settle(_ spending: Spending, rotated: Session?, tenant: Tenant, ipAddress: String?) async throws -> RefreshResult {
        guard let rotated else {
            return try await classifyFailedRotation(
                spending.token,
                request: spending.request,
                chain: spending.chain,
                tenant: tenant,
                ipAddress: ipAddress
            )
        }
        metrics.refresh(.rotated)
        return RefreshResult(
            kind: .rotated,
            session: rotated,
            refreshToken: spending.chain.token(sessionID: rotated.id, generation: rotated.generation, secret: spending.successor),
            decidedAt: spending.request.now
        )
    }

    /// The rotation did not apply: decide between a scope refusal, grace retry, reuse, and a plain invalid token.
    private func classifyFailedRotation(
        _ token: RefreshToken,
        request: RotationRequest,
        chain: RefreshChain,
        tenant: Tenant,
        ipAddress: String?
    ) async throws -> RefreshResult {
        let message = "the refresh token is invalid, expired or revoked"
        let clientID = request.clientID
        // Another tenant's or another client's session, or none: invalid, and nothing is revoked.
        guard let session = try await store.session(tenantID: tenant.id, id: token.sessionID), session.clientID == clientID else {
            throw invalid(message)
        }
        // Forged, reuse or grace retry, in constant time (`RefreshChain.standing`): a token that is not of this chain
        // revokes nothing, so knowing a session id is not enough to log someone out.
        let standing = try await chain.standing(of: token, in: session, store: store)
        guard standing != .foreign else { throw invalid(message) }
        // A bound session's token without a proof by its key is stolen or misused: refused, and nothing is revoked,
        // so whoever holds a copy cannot end the victim's session either (RFC 9449 §5).
        if let bound = session.dpopJKT, bound != request.proofThumbprint {
            metrics.refresh(.invalid)
            throw OAuthError(.invalidDPoPProof, "the refresh token is bound to a DPoP key: send a proof signed by that key")
        }
        // A request for more than the session holds is refused as such, whatever the token's generation (RFC 6749
        // §6); like every refusal but reuse, it rotates and revokes nothing.
        guard Set(request.requiredScope).isSubset(of: session.scope) else {
            metrics.refresh(.invalid)
            throw OAuthError(.invalidScope, "scope exceeds what the session was granted")
        }
        // Revoked or expired sessions (or ones ending within this second) answer the same, grace or not; so does the
        // current token whose rotation did not apply for another reason.
        guard standing != .current, session.expiresAt >= request.liveUntil, session.revokedAt == nil else { throw invalid(message) }
        let grace = TimeInterval(session.lifetimes(under: tenant.settings).reuseGrace)
        if case .predecessor(let current) = standing, grace > 0, let rotatedAt = session.lastRotatedAt,
            request.now < rotatedAt.addingTimeInterval(grace)
        {
            metrics.refresh(.retried)
            return RefreshResult(
                kind: .graceRetry,
                session: session,
                refreshToken: chain.token(sessionID: session.id, generation: session.generation, secret: current),
                decidedAt: request.now
            )
        }
        if try await store.revokeSession(tenantID: tenant.id, id: session.id, reason: "refresh_token_reuse", at: request.now) {
            logger.warning(
                "refresh_token.reuse_detected",
                metadata: [
                    "tenant": "\(tenant.slug)", "session_id": "\(session.id)", "user_id": "\(session.userID)", "client_id": "\(clientID)",
                    "presented_generation": "\(token.generation)", "current_generation": "\(session.generation)", "source_ip": "\(ipAddress ?? "-")",
                ]
            )
            await audit.record(
                .reuseDetected,
                tenant: tenant.id,
                actor: "client:\(clientID)",
                sessionID: session.id,
                userID: session.userID,
                clientID: clientID,
                sourceIP: ipAddress,
                details: ["presented_generation": "\(token.generation)", "current_generation": "\(session.generation)"]
            )
        }
        metrics.refresh(.reuse)
        throw OAuthError(.invalidGrant, "the refresh token was already used; its session is revoked")
    }

    /// A refused token that changes nothing, counted as such.
    private func invalid(_ message: String) -> OAuthError {
        metrics.refresh(.invalid)
        return OAuthError(.invalidGrant, message)
    }
}
