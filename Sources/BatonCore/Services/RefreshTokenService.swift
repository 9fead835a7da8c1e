import Foundation
import Logging

/// Starts sessions and spends refresh tokens: rotation, idempotent grace retry, and reuse detection.
public struct RefreshTokenService<Store: BatonStore>: Sendable {
    let store: Store
    let chains: ChainKeyRing
    let audit: AuditLog<Store>
    let metrics: any TokenMetrics
    let clock: any BatonClock
    let logger: Logger

    public init(
        store: Store, chains: ChainKeyRing, audit: AuditLog<Store>, metrics: any TokenMetrics = NoTokenMetrics(), clock: any BatonClock, logger: Logger
    ) {
        self.store = store
        self.chains = chains
        self.audit = audit
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    /// Creates a session for a login and returns it with its generation-0 refresh token (256 random bits).
    public func startSession(
        tenant: Tenant, userID: UUID, clientID: String, scope: [String], audience: [String], userAgent: String?, ipAddress: String?
    ) async throws -> (Session, RefreshToken) {
        let now = clock.now()
        let secret = RandomSecret.bytes(32)
        let absolute = now.addingTimeInterval(TimeInterval(tenant.settings.refreshAbsoluteTTL))
        let session = Session(
            tenantID: tenant.id, id: UUID(), userID: userID, clientID: clientID, scope: scope, audience: audience, createdAt: now,
            absoluteExpiresAt: absolute, idleExpiresAt: min(absolute, now.addingTimeInterval(TimeInterval(tenant.settings.refreshIdleTTL))),
            generation: 0, currentHash: RefreshChain.digest(secret), userAgent: userAgent.map { String($0.prefix(512)) },
            ipAddress: ipAddress
        )
        try await store.createSession(session)
        return (session, RefreshToken(sessionID: session.id, generation: 0, secret: secret))
    }

    /// Spends `presented` for `clientID`. Every failure is `invalidGrant`; only detected reuse changes state,
    /// and that revocation is committed before this throws. Each outcome is counted where it is decided.
    public func refresh(tenant: Tenant, presented raw: String, clientID: String, ipAddress: String? = nil) async throws -> RefreshResult {
        guard let token = RefreshToken(parsing: raw) else { throw invalid("the refresh token is invalid") }
        let chain = try await chains.chain(for: tenant.id, store: store)
        let now = clock.now()
        let successor = chain.successor(of: token.secret)
        let request = RotationRequest(
            tenantID: tenant.id, sessionID: token.sessionID, clientID: clientID, presentedGeneration: token.generation,
            presentedHash: RefreshChain.digest(token.secret), successorHash: RefreshChain.digest(successor), now: now,
            idleExpiresAt: now.addingTimeInterval(TimeInterval(tenant.settings.refreshIdleTTL))
        )
        if let rotated = try await store.rotate(request) {
            metrics.refresh(.rotated)
            return RefreshResult(kind: .rotated, session: rotated, refreshToken: RefreshToken(sessionID: rotated.id, generation: rotated.generation, secret: successor))
        }
        return try await classifyFailedRotation(token, chain: chain, tenant: tenant, clientID: clientID, now: now, ipAddress: ipAddress)
    }

    /// The rotation did not apply: decide between grace retry, reuse, and a plain invalid token.
    private func classifyFailedRotation(
        _ token: RefreshToken, chain: RefreshChain, tenant: Tenant, clientID: String, now: Date, ipAddress: String?
    ) async throws -> RefreshResult {
        let message = "the refresh token is invalid, expired or revoked"
        // Another tenant's or another client's session, or none: invalid, and nothing is revoked.
        guard let session = try await store.session(tenantID: tenant.id, id: token.sessionID), session.clientID == clientID else { throw invalid(message) }
        let lag = session.generation - token.generation
        // A token that does not derive to the session's current hash is not of this chain (forged): it revokes nothing,
        // so knowing a session id is not enough to log someone out.
        guard let current = chain.currentSecret(from: token, of: session) else { throw invalid(message) }
        // Revoked or expired sessions answer the same, grace or not.
        guard lag > 0, session.isLive(at: now) else { throw invalid(message) }
        let grace = TimeInterval(tenant.settings.reuseGrace)
        if lag == 1, grace > 0, let rotatedAt = session.lastRotatedAt, now < rotatedAt.addingTimeInterval(grace) {
            metrics.refresh(.retried)
            return RefreshResult(kind: .graceRetry, session: session, refreshToken: RefreshToken(sessionID: session.id, generation: session.generation, secret: current))
        }
        if try await store.revokeSession(tenantID: tenant.id, id: session.id, reason: "refresh_token_reuse", at: now) {
            logger.warning(
                "refresh_token.reuse_detected",
                metadata: [
                    "tenant": "\(tenant.slug)", "session_id": "\(session.id)", "user_id": "\(session.userID)", "client_id": "\(clientID)",
                    "presented_generation": "\(token.generation)", "current_generation": "\(session.generation)", "source_ip": "\(ipAddress ?? "-")",
                ]
            )
            await audit.record(
                .reuseDetected, tenant: tenant.id, actor: "client:\(clientID)", sessionID: session.id, userID: session.userID, clientID: clientID,
                sourceIP: ipAddress, details: ["presented_generation": "\(token.generation)", "current_generation": "\(session.generation)"]
            )
        }
        metrics.refresh(.reuse)
        throw BatonError.invalidGrant("the refresh token was already used; its session is revoked")
    }

    /// A refused token that changes nothing, counted as such.
    private func invalid(_ message: String) -> BatonError {
        metrics.refresh(.invalid)
        return .invalidGrant(message)
    }
}
