/// Makes one instance at a time run scheduled work.
public protocol SchedulerLockStore: Sendable {
    /// Runs `body` if this instance gets the scheduler lock, and returns true; returns false at once if another holds it.
    func withSchedulerLock(_ body: @Sendable () async throws -> Void) async throws -> Bool
}
