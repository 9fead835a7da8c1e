import BatonCore
import Synchronization

/// Group commit for refreshes: while `maxRunning` batches are at the database, rotations that arrive wait and go
/// together in the next batch (at most `maxBatch`), one statement and one commit for all of them. Nothing waits on
/// a timer: a lone refresh goes at once, and batches grow only as far as the database is busy.
///
/// With a `deadline`, each caller is answered within its timeout, and no caller needs a task or timer of its own:
/// each batch runs in one task, watched by the deadline until its earliest caller's due time, and a caller whose
/// deadline passed while it waited is answered `unavailable` without going to the database. A caller only ever
/// waits behind batches of older callers, whose deadlines are no later than its own. A caller cancelled while it
/// waits leaves at once; one whose batch is at the database has its answer within the batch's deadline.
final class RotationBatcher: Sendable {
    /// Runs one batch: one result per request, in order.
    typealias Execute = @Sendable (_ requests: [RotationRequest]) async throws -> [Session?]

    fileprivate struct Waiter: Sendable {
        let id: UInt64
        let request: RotationRequest
        let continuation: CheckedContinuation<Session?, any Error>
        let due: AnyClock.Instant?
    }
    private struct State {
        var waiting: [Waiter] = []
        var running = 0
        var lastID: UInt64 = 0

        /// The next batch, when one may start now.
        mutating func startBatch(maxRunning: Int, maxBatch: Int) -> [Waiter]? {
            guard running < maxRunning, !waiting.isEmpty else { return nil }
            running += 1
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            return batch
        }
    }

    private let state = Mutex(State())
    let maxRunning: Int
    let maxBatch: Int
    static let defaultMaxBatch = 64
    /// Sets each caller's due time, and gives up on a batch at its earliest caller's.
    let deadline: DatabaseDeadline?
    let execute: Execute

    init(maxRunning: Int, maxBatch: Int, deadline: DatabaseDeadline? = nil, execute: @escaping Execute) {
        self.maxRunning = maxRunning
        self.maxBatch = maxBatch
        self.deadline = deadline
        self.execute = execute
    }

    /// Callers waiting for a batch (not those whose batch is at the database).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// The rotated session, or nil when nothing matched, once its batch is committed.
    func rotate(_ request: RotationRequest) async throws -> Session? {
        let due = deadline.map { $0.clock.now.advanced(by: $0.timeout) }
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Checked under the lock the cancellation handler takes: either the handler finds this caller
                // waiting, or this sees the cancellation.
                let arrival: (cancelled: Bool, batch: [Waiter]?) = state.withLock { state in
                    if Task.isCancelled { return (true, nil) }
                    state.waiting.append(Waiter(id: id, request: request, continuation: continuation, due: due))
                    return (false, state.startBatch(maxRunning: maxRunning, maxBatch: maxBatch))
                }
                if arrival.cancelled { continuation.resume(throwing: CancellationError()) }
                if let batch = arrival.batch { run(batch) }
            }
        } onCancel: {
            let withdrawn = state.withLock { state -> Waiter? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index)
            }
            withdrawn?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Sends `taken` to the database in a task of its own, less the callers already overdue; a batch left with
    /// none makes way for the next at once.
    private func run(_ taken: [Waiter]) {
        var taken = taken
        var live: [Waiter] = []
        while live.isEmpty {
            let checkedAt = deadline?.clock.now
            live = []
            for waiter in taken {
                if let due = waiter.due, let checkedAt, due <= checkedAt {
                    waiter.continuation.resume(throwing: BatonError.databaseTimedOut)
                    deadline?.reportAbandoned("rotate(_:)", reason: "no answer in time, still waiting for its batch")
                } else {
                    live.append(waiter)
                }
            }
            if live.isEmpty {
                guard let next = endBatch() else { return }
                taken = next
            }
        }
        let batch = Batch(live)
        let requests = live.map(\.request)
        let work = Task {
            let outcome: Result<[Session?], any Error>
            do {
                let results = try await self.execute(requests)
                // One result per caller, or none for anyone: a caller left without an answer would wait for ever.
                guard results.count == requests.count else { throw BatonError.storeFailure }
                outcome = .success(results)
            } catch {
                outcome = .failure(error)
            }
            if batch.answer(outcome) { self.batchEnded() }
            self.deadline?.finished(batch)
        }
        // A statement the driver lost must not hold its callers, nor its place among the running batches, for ever.
        if let deadline, let due = live.compactMap(\.due).min() {
            deadline.watch(batch, operation: "rotateBatch", due: due, work: work) { error in
                guard batch.answer(.failure(error)) else { return false }
                self.batchEnded()
                return true
            }
        }
    }

    /// A batch has its answer: the next one starts, if any is waiting.
    private func batchEnded() {
        if let next = endBatch() { run(next) }
    }

    private func endBatch() -> [Waiter]? {
        state.withLock { state in
            state.running -= 1
            return state.startBatch(maxRunning: maxRunning, maxBatch: maxBatch)
        }
    }
}

/// One batch's callers, answered once: by the database's outcome, or by the deadline, whichever comes first.
private final class Batch: Sendable {
    private let waiters: Mutex<[RotationBatcher.Waiter]?>

    init(_ waiters: [RotationBatcher.Waiter]) { self.waiters = Mutex(waiters) }

    /// Whether this outcome was the first, and so the one the callers got.
    func answer(_ outcome: Result<[Session?], any Error>) -> Bool {
        let waiters = waiters.withLock { waiters in
            defer { waiters = nil }
            return waiters
        }
        guard let waiters else { return false }
        switch outcome {
        case .success(let results):
            for (waiter, result) in zip(waiters, results) { waiter.continuation.resume(returning: result) }
        case .failure(let error):
            for waiter in waiters { waiter.continuation.resume(throwing: error) }
        }
        return true
    }
}
