import Foundation

/// Persistence of sessions (token families). Rotation is one conditional write on one row.
public protocol SessionStore: Sendable {
    func createSession(_ session: Session) async throws
    /// Creates `session` under `limits` on its user's live sessions at `session.createdAt` (oldest first), atomically
    /// with every other creation for that user on any instance: nil, writing nothing, when `SessionLimit.evictions`
    /// refuses; else the sessions it evicted (revoked with `SessionLimit.evictionReason`), committed with the creation.
    func createSession(_ session: Session, within limits: [SessionLimit]) async throws -> [Session]?
    func session(tenantID: TenantID, id: UUID) async throws -> Session?
    /// Applies `request` atomically; returns the rotated session, or nil when the condition did not hold
    /// (another generation, another hash, revoked or expired) and nothing was changed.
    func rotate(_ request: RotationRequest) async throws -> Session?
    /// Revokes a live session; returns false if it was already revoked or does not exist. Committed before returning.
    func revokeSession(tenantID: TenantID, id: UUID, reason: String, at: Date) async throws -> Bool
    /// The user's live sessions (not revoked, neither idle nor absolute expiry passed), newest first.
    func sessions(tenantID: TenantID, userID: UUID, now: Date) async throws -> [Session]
    /// Revokes every live session of the user; returns how many.
    func revokeSessions(tenantID: TenantID, userID: UUID, reason: String, at: Date) async throws -> Int
    /// The session's head when refresh-token proofs were introduced; nil for sessions started since.
    func legacyChainHead(tenantID: TenantID, sessionID: UUID) async throws -> LegacyChainHead?
}

extension SessionStore {
    /// `createSession(_:within:)` under one cap.
    public func createSession(_ session: Session, within limit: SessionLimit) async throws -> [Session]? {
        try await createSession(session, within: [limit])
    }
}
