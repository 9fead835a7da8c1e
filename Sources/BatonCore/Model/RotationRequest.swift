import Foundation

/// The single conditional write of a refresh: succeeds only for the session's current generation and hash, for its
/// client and within its scope, while the session is live, and then moves it one generation on. Every check that
/// can refuse a refresh is here or before it, so a refused refresh changes nothing.
public struct RotationRequest: Sendable, Equatable {
    public let tenantID: TenantID
    public let sessionID: UUID
    /// The client presenting the token: a session rotates only for the client it was issued to.
    public let clientID: String
    public let presentedGeneration: Int
    public let presentedHash: Data
    public let successorHash: Data
    public let now: Date
    /// The new idle expiry of a session whose lifetimes were not fixed at login (the tenant's idle lifetime from
    /// now); see `rotatedIdleExpiry(of:)`.
    public let idleExpiresAt: Date
    /// The scope the refresh asks for: the session must hold all of it (RFC 6749 §6), else nothing rotates. Empty
    /// asks for no more than the session has.
    public let requiredScope: [String]
    /// The session must not end before this moment (`Session.refreshableUntil(at:)`): a rotation only commits when
    /// the access token it answers with can live at least one whole second.
    public let liveUntil: Date
    /// The thumbprint of the key that signed the request's DPoP proof, if any: a session bound to a key rotates
    /// only for a proof by that key.
    public let proofThumbprint: String?

    public init(
        tenantID: TenantID,
        sessionID: UUID,
        clientID: String,
        presentedGeneration: Int,
        presentedHash: Data,
        successorHash: Data,
        now: Date,
        idleExpiresAt: Date,
        requiredScope: [String] = [],
        proofThumbprint: String? = nil
    ) {
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.clientID = clientID
        self.presentedGeneration = presentedGeneration
        self.presentedHash = presentedHash
        self.successorHash = successorHash
        self.now = now
        self.idleExpiresAt = idleExpiresAt
        self.requiredScope = requiredScope
        self.liveUntil = Session.refreshableUntil(at: now)
        self.proofThumbprint = proofThumbprint
    }

    /// Whether `session` may rotate for this request: the memory store's rule. PostgreSQL states it once, in
    /// `session_rotation_applies` (migrations 0010 and 0013), which both rotation statements call; the store
    /// contract tests hold the two to agree.
    public func applies(to session: Session) -> Bool {
        session.revokedAt == nil && session.expiresAt >= liveUntil && session.clientID == clientID && session.generation == presentedGeneration
            && session.currentHash == presentedHash && Set(requiredScope).isSubset(of: session.scope)
            && (session.dpopJKT == nil || session.dpopJKT == proofThumbprint)
    }

    /// The idle expiry `session` gets when this request rotates it: its own idle lifetime from now (the tenant's,
    /// `idleExpiresAt`, if none was fixed at its login), never past its absolute expiry. The memory store's rule;
    /// PostgreSQL's is `rotated_idle_expiry` (migration 0015), and the store contract tests hold the two to agree.
    public func rotatedIdleExpiry(of session: Session) -> Date {
        let idle = session.lifetimes.map { now.addingTimeInterval(TimeInterval($0.refreshIdleTTL)) } ?? idleExpiresAt
        return min(idle, session.absoluteExpiresAt)
    }
}
