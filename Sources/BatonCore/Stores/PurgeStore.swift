import Foundation

/// Deletion of rows whose use is over, a bounded batch per call, so a purge never holds many row locks
/// or one long transaction while refreshes run.
public protocol PurgeStore: Sendable {
    /// Looks at up to `limit` of the tenant's sessions with ids after `after` (in id order) and deletes those that
    /// ended before `cutoff`: revoked, or past their idle or absolute expiry.
    func purgeEndedSessions(tenantID: TenantID, endedBefore cutoff: Date, after: UUID?, limit: Int) async throws -> SessionPurgeBatch
    /// Deletes up to `limit` of the tenant's oldest audit events that occurred before `cutoff`; returns how many.
    func purgeAuditEvents(tenantID: TenantID, occurredBefore cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` of the tenant's login-failure counters whose window started before `cutoff`; returns how many.
    func purgeLoginFailures(tenantID: TenantID, windowStartedBefore cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` of the tenant's DPoP proof records that expired before `cutoff`; returns how many.
    func purgeDPoPProofs(tenantID: TenantID, expiredBefore cutoff: Date, limit: Int) async throws -> Int
}

/// What one batch of the session purge did, and where the next one starts.
public struct SessionPurgeBatch: Sendable, Equatable {
    public let deleted: Int
    /// How many sessions it looked at: fewer than the limit means the walk is over.
    public let examined: Int
    /// The last session id looked at; nil when there was none left to look at.
    public let lastExamined: UUID?

    public init(deleted: Int, examined: Int, lastExamined: UUID?) {
        self.deleted = deleted
        self.examined = examined
        self.lastExamined = lastExamined
    }
}
