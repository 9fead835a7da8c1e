import Foundation

/// A successful refresh: the session after it, and the refresh token to hand back.
public struct RefreshResult: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The presented token was current: it is spent, and `refreshToken` is its successor.
        case rotated
        /// The presented token was the immediate predecessor, within the grace window, its successor unused:
        /// the same successor is handed out again (a lost response or a second tab), the chain does not fork.
        case graceRetry
    }

    public let kind: Kind
    public let session: Session
    public let refreshToken: RefreshToken
    /// The moment the refresh was decided at; the access token it answers with is issued at it, so the session's
    /// check at that moment (`RotationRequest.liveUntil`) also holds for the token's lifetime.
    public let decidedAt: Date

    public init(kind: Kind, session: Session, refreshToken: RefreshToken, decidedAt: Date) {
        self.kind = kind
        self.session = session
        self.refreshToken = refreshToken
        self.decidedAt = decidedAt
    }
}
