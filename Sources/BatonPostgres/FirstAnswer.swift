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

extension FirstAnswer {
    /// `attempt`'s value, or `otherwise` once `timeout` has passed, whichever comes first. The attempt is then
    /// cancelled but not waited for: a query on a connection gone silent ignores cancellation, and a task group
    /// would wait for it.
    static func within(_ timeout: Duration, otherwise: Value, _ attempt: @escaping @Sendable () async -> Value) async -> Value {
        let answer = FirstAnswer<Value>()
        do {
            return try await withCheckedThrowingContinuation { continuation in
                answer.await(continuation)
                let work = Task { answer.settle(.success(await attempt())) }
                Task {
                    try? await Task.sleep(for: timeout)
                    work.cancel()  // a lease still waiting for a connection gives up
                    answer.settle(.success(otherwise))
                }
            }
        } catch {
            return otherwise  // never thrown: both sides settle with a value
        }
    }
}
