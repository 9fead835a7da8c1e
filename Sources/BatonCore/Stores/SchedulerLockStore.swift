/// Makes one instance at a time run scheduled work.
public protocol SchedulerLockStore: Sendable {
    /// Runs `body` if this instance gets the scheduler lock and returns its result; nil at once if another holds it.
    func withSchedulerLock<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result?
}
