import BatonCore
import Synchronization

/// Group commit for refreshes: while `maxRunning` batches are at the database, rotations that arrive wait and go
/// together in the next batch (at most `maxBatch`), one statement and one commit for all of them. Nothing waits on
/// a timer: a lone refresh goes at once, and batches grow only as far as the database is busy.
///
/// With a `timeout`, each caller is answered within it without a task or timer of its own: a batch is given the
/// earliest deadline among its callers, and a caller whose deadline passed while it waited is answered `unavailable`
/// without going to the database. A caller only ever waits behind batches of older callers, whose deadlines are
/// no later than its own.
final class RotationBatcher: Sendable {
    /// Runs one batch; `due`, when there is a timeout, is when its earliest caller must have an answer.
    typealias Execute = @Sendable (_ requests: [RotationRequest], _ due: AnyClock.Instant?) async throws -> [Session?]

    private struct Waiter {
        let request: RotationRequest
        let continuation: CheckedContinuation<Session?, any Error>
        let due: AnyClock.Instant?
    }
    private struct State {
        var waiting: [Waiter] = []
        var running = 0
    }

    private let state = Mutex(State())
    let maxRunning: Int
    let maxBatch: Int
    let timeout: Duration?
    static let defaultMaxBatch = 64
    let execute: Execute
    /// Told of each caller answered `unavailable` because its deadline passed while it waited (for a metric).
    let onOverdue: @Sendable () -> Void
    /// What deadlines are set and judged by: the operation deadline's own, since its instants go there.
    let clock: AnyClock

    init(
        maxRunning: Int,
        maxBatch: Int,
        timeout: Duration? = nil,
        onOverdue: @escaping @Sendable () -> Void = {},
        clock: AnyClock = .continuous,
        execute: @escaping Execute
    ) {
        self.maxRunning = maxRunning
        self.maxBatch = maxBatch
        self.timeout = timeout
        self.onOverdue = onOverdue
        self.clock = clock
        self.execute = execute
    }

    /// Callers waiting for a batch (not those whose batch is at the database).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// The rotated session, or nil when nothing matched, once its batch is committed.
    func rotate(_ request: RotationRequest) async throws -> Session? {
        let due = timeout.map { clock.now.advanced(by: $0) }
        return try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state in
                state.waiting.append(Waiter(request: request, continuation: continuation, due: due))
                guard state.running < maxRunning else { return false }
                state.running += 1
                return true
            }
            if lead { Task { await self.drain() } }
        }
    }

    /// Runs batches until none is waiting. Each batch's outcome goes to each of its callers; a failed batch fails
    /// only its own callers, and the next batch runs all the same.
    private func drain() async {
        while true {
            let batch: [Waiter] = state.withLock { state in
                let batch = Array(state.waiting.prefix(maxBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.running -= 1 }
                return batch
            }
            if batch.isEmpty { return }
            let checkedAt = clock.now
            var live: [Waiter] = []
            for waiter in batch {
                if let due = waiter.due, due <= checkedAt {
                    waiter.continuation.resume(throwing: BatonError.databaseTimedOut)
                    onOverdue()
                } else {
                    live.append(waiter)
                }
            }
            if live.isEmpty { continue }
            do {
                let results = try await execute(live.map(\.request), live.compactMap(\.due).min())
                // One result per caller, or none for anyone: a caller left without an answer would wait for ever.
                guard results.count == live.count else { throw BatonError.storeFailure }
                for (waiter, result) in zip(live, results) { waiter.continuation.resume(returning: result) }
            } catch {
                for waiter in live { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
