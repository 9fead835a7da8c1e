@testable import BatonPostgres
import BatonCore
import Foundation
import Synchronization
import Testing

/// The batching itself, without a database: who goes together, and what a failure touches.
@Suite("Rotation batcher", .timeLimit(.minutes(1)))
struct RotationBatcherTests {
    /// What the fake database saw, and a gate holding the first batch until the test opens it.
    final class Database: Sendable {
        let batches = Mutex<[[UUID]]>([])
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let failFirst: Bool

        init(failFirst: Bool = false) { self.failFirst = failFirst }

        func execute(_ requests: [RotationRequest]) async throws -> [Session?] {
            let isFirst = batches.withLock { batches in
                batches.append(requests.map(\.sessionID))
                return batches.count == 1
            }
            if isFirst {
                await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } }
                if failFirst { throw BatonError.unavailable("first batch fails") }
            }
            return requests.map { _ in nil }
        }

        /// Throws once the test is cancelled (its time limit), rather than poll for ever.
        func openGate() async throws {
            while true {
                if let continuation = gate.withLock({ gate in defer { gate = nil }; return gate }) {
                    continuation.resume()
                    return
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    func request() -> RotationRequest {
        RotationRequest(
            tenantID: TenantID(), sessionID: UUID(), clientID: "app", presentedGeneration: 0, presentedHash: Data([1]), successorHash: Data([2]),
            now: Date(), idleExpiresAt: Date()
        )
    }

    /// Waits until the fake database has seen `count` batches (throws once the test is cancelled).
    func waitForBatches(_ database: Database, _ count: Int) async throws {
        while database.batches.withLock({ $0.count }) < count { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("a lone rotation goes at once; the ones arriving while its batch runs go together in the next")
    func arrivalsWaitForTheNextBatch() async throws {
        let database = Database()
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { requests, _ in try await database.execute(requests) }
        let first = request()
        let later = (0..<5).map { _ in request() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await batcher.rotate(first) }
            try await waitForBatches(database, 1)
            for request in later { group.addTask { _ = try await batcher.rotate(request) } }
            try await Task.sleep(for: .milliseconds(200))  // all five are waiting behind the first batch
            #expect(database.batches.withLock { $0.count } == 1)
            try await database.openGate()
            try await group.waitForAll()
        }
        let batches = database.batches.withLock { $0 }
        #expect(batches.count == 2)
        #expect(batches.first == [first.sessionID])
        #expect(Set(batches.last ?? []) == Set(later.map(\.sessionID)))
    }

    @Test("a failed batch fails only its own callers; the batches after it still run")
    func failureStaysInItsBatch() async throws {
        let database = Database(failFirst: true)
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { requests, _ in try await database.execute(requests) }
        let failed = Task { try await batcher.rotate(request()) }
        try await waitForBatches(database, 1)
        let next = Task { try await batcher.rotate(request()) }
        try await Task.sleep(for: .milliseconds(100))
        try await database.openGate()
        await #expect(throws: BatonError.self) { try await failed.value }
        #expect(try await next.value == nil)
        #expect(database.batches.withLock { $0.count } == 2)
    }

    @Test("no batch is larger than maxBatch")
    func batchSizeBound() async throws {
        let database = Database()
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 4) { requests, _ in try await database.execute(requests) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await batcher.rotate(request()) }
            try await waitForBatches(database, 1)
            for _ in 0..<10 { group.addTask { _ = try await batcher.rotate(request()) } }
            try await Task.sleep(for: .milliseconds(200))
            try await database.openGate()
            try await group.waitForAll()
        }
        #expect(database.batches.withLock { $0.map(\.count) } == [1, 4, 4, 2])
    }

    @Test("a batch answered with the wrong number of results fails its callers instead of leaving one waiting")
    func wrongResultCount() async throws {
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { _, _ in [] }
        await #expect(throws: BatonError.storeFailure) { try await batcher.rotate(request()) }
    }

    @Test("a caller queued behind a batch that never answers gets unavailable by its own deadline, not the batch's plus its own")
    func queuedCallerAnsweredByItsDeadline() async throws {
        // Long enough that a loaded machine (CI runs the suites in parallel) starts the first batch well within it,
        // and that the two outcomes below stay far apart whatever the machine's sleeps overshoot.
        let timeout = Duration.seconds(2)
        let dues = Mutex<[ContinuousClock.Instant]>([])
        // A database that never answers: each batch waits out its deadline, as DatabaseDeadline would make it.
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64, timeout: timeout) { _, due in
            let due = try #require(due)
            dues.withLock { $0.append(due) }
            try await Task.sleep(until: due)
            throw BatonError.unavailable("the database did not answer in time")
        }
        let first = Task { try await batcher.rotate(request()) }
        while dues.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(100))
        let queuedAt = ContinuousClock.now
        await #expect(throws: BatonError.unavailable("the database did not answer in time")) { try await batcher.rotate(request()) }
        let waited = ContinuousClock.now - queuedAt
        await #expect(throws: BatonError.self) { try await first.value }
        // Answered about a timeout after it arrived; waiting out the first batch's deadline and then a whole one of
        // its own batch would take about 1.95 timeouts.
        #expect(waited < timeout * 1.5, "waited \(waited)")
        let batchDues = dues.withLock { $0 }
        #expect(batchDues.count == 2)
        // The second batch ran by its own caller's deadline: its arrival plus the timeout (it took its clock reading
        // just after the test's).
        if batchDues.count == 2 {
            let lag = batchDues[1] - (queuedAt + timeout)
            #expect(lag >= .zero && lag < .milliseconds(200), "lag \(lag)")
        }
    }

    @Test("a caller whose deadline passed while it waited is answered unavailable and never sent to the database")
    func overdueCallerNotSent() async throws {
        let database = Database()
        let overdueCount = Mutex(0)
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64, timeout: .seconds(1), onOverdue: { overdueCount.withLock { $0 += 1 } }) {
            requests, _ in try await database.execute(requests)
        }
        let first = Task { try await batcher.rotate(request()) }
        try await waitForBatches(database, 1)
        let overdue = Task { try await batcher.rotate(request()) }
        try await Task.sleep(for: .milliseconds(1300))  // past the queued caller's deadline; the first batch still holds
        try await database.openGate()
        #expect(try await first.value == nil)
        await #expect(throws: BatonError.unavailable("the database did not answer in time")) { try await overdue.value }
        #expect(database.batches.withLock { $0.count } == 1)
        #expect(overdueCount.withLock { $0 } == 1, "the overdue caller is counted (baton_database_operations_abandoned_total)")
    }
}
