import Synchronization

/// Resumes one waiting caller with whichever outcome arrives first; later ones are ignored. It races a driver
/// call that may never answer against a deadline without waiting for the loser, as a task group would.
final class FirstAnswer<Value: Sendable>: Sendable {
    private let waiting = Mutex<CheckedContinuation<Value, any Error>?>(nil)

    /// Call before anything can settle: an outcome settled earlier is lost.
    func await(_ continuation: CheckedContinuation<Value, any Error>) {
        waiting.withLock { $0 = continuation }
    }

    /// Whether this outcome was the first, and so the one the caller got.
    @discardableResult
    func settle(_ outcome: Result<Value, any Error>) -> Bool {
        let continuation = waiting.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        continuation?.resume(with: outcome)
        return continuation != nil
    }
}
