import Foundation

/// One login: a token family. Holds the hash and generation of its current refresh token, never a token.
public struct Session: Sendable, Equatable {
    public let tenantID: TenantID
    public let id: UUID
    public let userID: UUID
    public let clientID: String
    public let scope: [String]
    public let audience: [String]
    public let createdAt: Date
    public let absoluteExpiresAt: Date
    public var idleExpiresAt: Date
    public var generation: Int
    public var currentHash: Data
    public var lastRotatedAt: Date?
    public var revokedAt: Date?
    public var revokeReason: String?
    public let userAgent: String?
    public let ipAddress: String?
    /// RFC 7638 thumbprint of the DPoP key the session is bound to (RFC 9449): every refresh must prove it holds
    /// that key. Nil: a bearer session.
    public let dpopJKT: String?
    /// The lifetimes fixed at login (the client's, else the tenant's). Nil only for a session that began before
    /// they were fixed (migration 0015): it follows its tenant's current settings.
    public let lifetimes: SessionLifetimes?

    public init(
        tenantID: TenantID,
        id: UUID,
        userID: UUID,
        clientID: String,
        scope: [String],
        audience: [String],
        createdAt: Date,
        absoluteExpiresAt: Date,
        idleExpiresAt: Date,
        generation: Int,
        currentHash: Data,
        lastRotatedAt: Date? = nil,
        revokedAt: Date? = nil,
        revokeReason: String? = nil,
        userAgent: String? = nil,
        ipAddress: String? = nil,
        dpopJKT: String? = nil,
        lifetimes: SessionLifetimes? = nil
    ) {
        self.tenantID = tenantID
        self.id = id
        self.userID = userID
        self.clientID = clientID
        self.scope = scope
        self.audience = audience
        self.createdAt = createdAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.idleExpiresAt = idleExpiresAt
        self.generation = generation
        self.currentHash = currentHash
        self.lastRotatedAt = lastRotatedAt
        self.revokedAt = revokedAt
        self.revokeReason = revokeReason
        self.userAgent = userAgent
        self.ipAddress = ipAddress
        self.dpopJKT = dpopJKT
        self.lifetimes = lifetimes
    }

    /// The session's lifetimes: those fixed at its login, else its tenant's current ones.
    public func lifetimes(under tenant: TenantSettings) -> SessionLifetimes {
        lifetimes ?? ClientSessionPolicy().lifetimes(under: tenant)
    }

    /// Live: not revoked, and neither idle nor absolute lifetime is over.
    public func isLive(at now: Date) -> Bool {
        revokedAt == nil && now < idleExpiresAt && now < absoluteExpiresAt
    }

    /// Ended before `cutoff`: revoked, or past its idle or absolute expiry, before that moment.
    public func ended(before cutoff: Date) -> Bool {
        expiresAt < cutoff || revokedAt.map { $0 < cutoff } == true
    }

    /// The moment a session must outlive for a refresh at `now` to succeed: the end of the current whole second,
    /// so that the access token it answers with (whole seconds, `wholeSecondsLeft`) is not expired on issue.
    public static func refreshableUntil(at now: Date) -> Date {
        Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) + 1)
    }

    /// When the session ends unless it is refreshed again: the earlier of its idle and absolute expiry.
    public var expiresAt: Date { min(idleExpiresAt, absoluteExpiresAt) }

    /// Whole seconds from `now` (itself cut to a whole second, as token times are) until `expiresAt`; never negative.
    public func wholeSecondsLeft(at now: Date) -> Int {
        let left = (expiresAt.timeIntervalSince1970 - now.timeIntervalSince1970.rounded(.down)).rounded(.down)
        return left > 0 ? Int(min(left, NumericDate.range.upperBound)) : 0
    }
}
