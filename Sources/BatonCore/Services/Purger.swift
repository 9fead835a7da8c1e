import Foundation

/// Deletes, tenant by tenant and in bounded batches, what `RetentionPolicy` says is over: ended sessions,
/// old audit events, stale login-failure counters, expired DPoP proof records. One instance at a time.
public struct Purger<Store: TenantStore & PurgeStore & SchedulerLockStore>: Sendable {
    /// Rows deleted by one pass.
    public struct Report: Sendable, Equatable {
        public var sessions = 0
        public var auditEvents = 0
        public var loginFailures = 0
        public var dpopProofs = 0

        public init(sessions: Int = 0, auditEvents: Int = 0, loginFailures: Int = 0, dpopProofs: Int = 0) {
            self.sessions = sessions
            self.auditEvents = auditEvents
            self.loginFailures = loginFailures
            self.dpopProofs = dpopProofs
        }

        public var total: Int { sessions + auditEvents + loginFailures + dpopProofs }
    }

    let store: Store
    let policy: RetentionPolicy
    /// Seconds a login-failure counter counts (the throttle's window); older counters count nothing and go.
    let loginFailureWindow: Int
    let clock: any BatonClock

    public init(store: Store, policy: RetentionPolicy, loginFailureWindow: Int, clock: any BatonClock) {
        self.store = store
        self.policy = policy
        self.loginFailureWindow = loginFailureWindow
        self.clock = clock
    }

    /// One pass over every tenant; nil if another instance is purging.
    @discardableResult
    public func runOnce() async throws -> Report? {
        try await store.withSchedulerLock(.purge) {
            let now = clock.now()
            let sessionCutoff = now.addingTimeInterval(-TimeInterval(policy.endedSessions))
            let auditCutoff = now.addingTimeInterval(-TimeInterval(policy.auditEvents))
            let throttleCutoff = now.addingTimeInterval(-TimeInterval(loginFailureWindow))
            let batch = max(1, policy.batchSize)
            var report = Report()
            try await store.forEachTenant { tenant in
                var after: UUID?
                var more = true
                while more {
                    try Task.checkCancellation()
                    let done = try await store.purgeEndedSessions(tenantID: tenant.id, endedBefore: sessionCutoff, after: after, limit: batch)
                    report.sessions += done.deleted
                    after = done.lastExamined
                    more = done.examined == batch  // a short batch was the tenant's last
                }
                report.auditEvents += try await drain(batch) {
                    try await store.purgeAuditEvents(tenantID: tenant.id, occurredBefore: auditCutoff, limit: $0)
                }
                report.loginFailures += try await drain(batch) {
                    try await store.purgeLoginFailures(tenantID: tenant.id, windowStartedBefore: throttleCutoff, limit: $0)
                }
                // A record outlives its proof's acceptance window by nothing: expired, it guards against nothing.
                report.dpopProofs += try await drain(batch) {
                    try await store.purgeDPoPProofs(tenantID: tenant.id, expiredBefore: now, limit: $0)
                }
            }
            return report
        }
    }

    /// Calls `deleteBatch` until a batch deletes fewer than `batch` rows; returns the total deleted.
    private func drain(_ batch: Int, _ deleteBatch: (Int) async throws -> Int) async throws -> Int {
        var total = 0
        while true {
            try Task.checkCancellation()
            let deleted = try await deleteBatch(batch)
            total += deleted
            if deleted < batch { return total }
        }
    }
}
