import Foundation

/// The single conditional write of a refresh: succeeds only for the session's current generation and hash,
/// while the session is live, and then moves it one generation on.
public struct RotationRequest: Sendable, Equatable {
    public let tenantID: TenantID
    public let sessionID: UUID
    /// The client presenting the token: a session rotates only for the client it was issued to.
    public let clientID: String
    public let presentedGeneration: Int
    public let presentedHash: Data
    public let successorHash: Data
    public let now: Date
    /// The new idle expiry; the store caps it at the absolute expiry.
    public let idleExpiresAt: Date

    public init(tenantID: TenantID, sessionID: UUID, clientID: String, presentedGeneration: Int, presentedHash: Data, successorHash: Data, now: Date, idleExpiresAt: Date) {
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.clientID = clientID
        self.presentedGeneration = presentedGeneration
        self.presentedHash = presentedHash
        self.successorHash = successorHash
        self.now = now
        self.idleExpiresAt = idleExpiresAt
    }
}
