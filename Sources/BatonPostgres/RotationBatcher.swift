import BatonCore
import Synchronization

/// Group commit for refreshes: while `maxRunning` batches are at the database, rotations that arrive wait and go
/// together in the next batch (at most `maxBatch`), one statement and one commit for all of them. Nothing waits on
/// a timer: a lone refresh goes at once, and batches grow only as far as the database is busy.
final class RotationBatcher: Sendable {
    typealias Execute = @Sendable ([RotationRequest]) async throws -> [Session?]

    private struct Waiter {
        let request: RotationRequest
        let continuation: CheckedContinuation<Session?, any Error>
    }
    private struct State {
        var waiting: [Waiter] = []
        var running = 0
    }

    private let state = Mutex(State())
    let maxRunning: Int
    let maxBatch: Int
    static let defaultMaxBatch = 64
    let execute: Execute

    init(maxRunning: Int, maxBatch: Int, execute: @escaping Execute) {
        self.maxRunning = maxRunning
        self.maxBatch = maxBatch
        self.execute = execute
    }

    /// The rotated session, or nil when nothing matched, once its batch is committed.
    func rotate(_ request: RotationRequest) async throws -> Session? {
        try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state in
                state.waiting.append(Waiter(request: request, continuation: continuation))
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
            do {
                let results = try await execute(batch.map(\.request))
                // One result per caller, or none for anyone: a caller left without an answer would wait for ever.
                guard results.count == batch.count else { throw BatonError.storeFailure }
                for (waiter, result) in zip(batch, results) { waiter.continuation.resume(returning: result) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
