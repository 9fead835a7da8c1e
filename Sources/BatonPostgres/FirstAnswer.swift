import BatonCore
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

    /// Settles with `body`'s outcome, its value or its error, once it has one.
    func settle(byRunning body: () async throws -> Value) async {
        do { settle(.success(try await body())) } catch { settle(.failure(error)) }
    }
}

extension FirstAnswer {
    /// `attempt`'s value, or `otherwise` once `timeout` has passed on `clock` or the caller is cancelled, whichever
    /// comes first. The attempt is then cancelled but not waited for: a query on a connection gone silent ignores
    /// cancellation, and a task group would wait for it.
    static func within(
        _ timeout: Duration,
        on clock: AnyClock,
        otherwise: Value,
        _ attempt: @escaping @Sendable () async -> Value
    ) async -> Value {
        let answer = FirstAnswer<Value>()
        let tasks = RacingTasks()
        let giveUp: @Sendable () -> Void = {
            tasks.work.withLock { $0 }?.cancel()  // a lease still waiting for a connection gives up
            tasks.timer.withLock { $0 }?.cancel()  // given up on: the timer sleeps no longer either
            answer.settle(.success(otherwise))
        }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    answer.await(continuation)
                    tasks.timer.withLock {
                        $0 = Task {
                            guard (try? await clock.sleep(for: timeout)) != nil else { return }
                            giveUp()
                        }
                    }
                    tasks.work.withLock {
                        $0 = Task {
                            answer.settle(.success(await attempt()))
                            tasks.timer.withLock { $0 }?.cancel()  // answered: the timer sleeps no longer
                        }
                    }
                    if Task.isCancelled { giveUp() }
                }
            } onCancel: {
                giveUp()
            }
        } catch {
            return otherwise  // never thrown: every side settles with a value
        }
    }
}

/// The two sides of `FirstAnswer.within`'s race, so that each can stop the other.
private final class RacingTasks: Sendable {
    let timer = Mutex<Task<Void, Never>?>(nil)
    let work = Mutex<Task<Void, Never>?>(nil)
}
