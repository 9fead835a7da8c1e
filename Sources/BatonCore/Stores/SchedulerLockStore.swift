/// Makes one instance at a time run each kind of scheduled work.
public protocol SchedulerLockStore: Sendable {
    /// Runs `body` if this instance gets `job`'s lock and returns its result; nil at once if another holds it.
    /// Each job has its own lock, so a long purge never makes a key-rotation pass skip. An instance runs each job's
    /// passes one after another, never two at once.
    func withSchedulerLock<Result: Sendable>(_ job: ScheduledJob, _ body: @Sendable () async throws -> Result) async throws -> Result?
}

/// Scheduled work that one instance at a time should do.
public enum ScheduledJob: Sendable, CaseIterable {
    /// Signing-key rotation and retirement (`KeyScheduler`).
    case keyRotation
    /// Deletion of ended sessions, old audit events and stale login counters (`Purger`).
    case purge
}
