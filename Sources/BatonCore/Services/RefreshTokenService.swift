import Foundation
import Logging

/// Starts sessions and spends refresh tokens: rotation, idempotent grace retry, and reuse detection.
public struct RefreshTokenService<Store: BatonStore>: Sendable {
    let store: Store
    let chains: ChainKeyRing
    let audit: AuditLog<Store>
    let clock: any BatonClock
    let logger: Logger

    /// The answer to detected reuse (after the session was revoked).
    public static var reuseError: BatonError { .invalidGrant("the refresh token was already used; its session is revoked") }

    public init(store: Store, chains: ChainKeyRing, audit: AuditLog<Store>, clock: any BatonClock, logger: Logger) {
        self.store = store
        self.chains = chains
        self.audit = audit
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
    /// and that revocation is committed before this throws.
    public func refresh(tenant: Tenant, presented raw: String, clientID: String, ipAddress: String? = nil) async throws -> RefreshResult {
        guard let token = RefreshToken(parsing: raw) else { throw BatonError.invalidGrant("the refresh token is invalid") }
        let chain = try await chains.chain(for: tenant.id, store: store)
        let now = clock.now()
        let successor = chain.successor(of: token.secret)
        let request = RotationRequest(
            tenantID: tenant.id, sessionID: token.sessionID, clientID: clientID, presentedGeneration: token.generation,
            presentedHash: RefreshChain.digest(token.secret), successorHash: RefreshChain.digest(successor), now: now,
            idleExpiresAt: now.addingTimeInterval(TimeInterval(tenant.settings.refreshIdleTTL))
        )
        if let rotated = try await store.rotate(request) {
            return RefreshResult(kind: .rotated, session: rotated, refreshToken: RefreshToken(sessionID: rotated.id, generation: rotated.generation, secret: successor))
        }
        return try await classifyFailedRotation(token, chain: chain, tenant: tenant, clientID: clientID, now: now, ipAddress: ipAddress)
    }

    /// The rotation did not apply: decide between grace retry, reuse, and a plain invalid token.
    private func classifyFailedRotation(
        _ token: RefreshToken, chain: RefreshChain, tenant: Tenant, clientID: String, now: Date, ipAddress: String?
    ) async throws -> RefreshResult {
        let invalid = BatonError.invalidGrant("the refresh token is invalid, expired or revoked")
        // Another tenant's or another client's session, or none: invalid, and nothing is revoked.
        guard let session = try await store.session(tenantID: tenant.id, id: token.sessionID), session.clientID == clientID else { throw invalid }
        let lag = session.generation - token.generation
        // A token that does not derive to the session's current hash is not of this chain (forged): it revokes nothing,
        // so knowing a session id is not enough to log someone out.
        guard lag >= 0, let current = chain.derive(token.secret, steps: lag), RefreshChain.digest(current) == session.currentHash else {
            throw invalid
        }
        // Revoked or expired sessions answer the same, grace or not.
        guard lag > 0, session.isLive(at: now) else { throw invalid }
        let grace = TimeInterval(tenant.settings.reuseGrace)
        if lag == 1, grace > 0, let rotatedAt = session.lastRotatedAt, now < rotatedAt.addingTimeInterval(grace) {
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
        throw Self.reuseError
    }
}
