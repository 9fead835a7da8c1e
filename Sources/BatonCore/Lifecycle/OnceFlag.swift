import Synchronization

/// A flag set once and never cleared: start-up work done (`/readyz` fails until then, scheduled work and the change
/// listener wait for it), shutdown begun (`/readyz` fails from then on).
public final class OnceFlag: Sendable {
    private struct State {
        var isSet = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    }
    private let state: Mutex<State>

    public init(isSet: Bool = false) { state = Mutex(State(isSet: isSet)) }

    public var isSet: Bool { state.withLock { $0.isSet } }

    /// Callers now waiting for the flag.
    public var waitingCount: Int { state.withLock { $0.waiters.count } }

    public func set() {
        let waiters = state.withLock { state in
            state.isSet = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the flag is set (at once if it is); throws `CancellationError` if cancelled first.
    public func wait() async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.isSet { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
