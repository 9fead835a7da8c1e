import BatonCore
import BatonTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import BatonPostgres

/// The batching itself, without a database: who goes together, and what a failure touches.
@Suite("Rotation batcher", .hangGuard)
struct RotationBatcherTests {
    /// What the fake database saw, and a gate holding the first batch until the test opens it.
    final class Database: Sendable {
        let batches = Mutex<[[UUID]]>([])
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let failFirst: Bool
        /// Every batch waits, until cancelled, instead of the first only until the gate opens.
        let holdsEvery: Bool

        init(failFirst: Bool = false, holdsEvery: Bool = false) {
            self.failFirst = failFirst
            self.holdsEvery = holdsEvery
        }

        func execute(_ requests: [RotationRequest]) async throws -> [Session?] {
            let isFirst = batches.withLock { batches in
                batches.append(requests.map(\.sessionID))
                return batches.count == 1
            }
            if holdsEvery {
                try await OnceFlag().wait()
            }
            if isFirst {
                await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } }
                if failFirst { throw BatonError.unavailable("first batch fails") }
            }
            return requests.map { _ in nil }
        }

        /// Opens the gate once the first batch waits at it.
        func openGate() async throws {
            try await waitUntil("the first batch waits at the gate") { gate.withLock { $0 != nil } }
            gate.withLock { gate in
                gate?.resume()
                gate = nil
            }
        }
    }

    func request() -> RotationRequest {
        RotationRequest(
            tenantID: TenantID(),
            sessionID: UUID(),
            clientID: "app",
            presentedGeneration: 0,
            presentedHash: Data([1]),
            successorHash: Data([2]),
            now: Date(),
            idleExpiresAt: Date()
        )
    }

    /// Waits until `count` callers are queued in the batcher.
    func waitForWaiting(_ batcher: RotationBatcher, _ count: Int) async throws {
        try await waitUntil("\(count) callers wait for a batch") { batcher.waitingCount >= count }
    }

    /// Waits until the fake database has seen `count` batches.
    func waitForBatches(_ database: Database, _ count: Int) async throws {
        try await waitUntil("\(count) batches reach the database") { database.batches.withLock { $0.count } >= count }
    }

    @Test("a lone rotation goes at once; the ones arriving while its batch runs go together in the next")
    func arrivalsWaitForTheNextBatch() async throws {
        let database = Database()
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { requests in try await database.execute(requests) }
        let first = request()
        let later = (0..<5).map { _ in request() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await batcher.rotate(first) }
            try await waitForBatches(database, 1)
            for request in later { group.addTask { _ = try await batcher.rotate(request) } }
            try await waitForWaiting(batcher, 5)  // all five are waiting behind the first batch
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
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { requests in try await database.execute(requests) }
        let failed = Task { try await batcher.rotate(request()) }
        try await waitForBatches(database, 1)
        let next = Task { try await batcher.rotate(request()) }
        try await waitForWaiting(batcher, 1)
        try await database.openGate()
        await #expect(throws: BatonError.self) { try await failed.value }
        #expect(try await next.value == nil)
        #expect(database.batches.withLock { $0.count } == 2)
    }

    @Test("no batch is larger than maxBatch")
    func batchSizeBound() async throws {
        let database = Database()
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 4) { requests in try await database.execute(requests) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await batcher.rotate(request()) }
            try await waitForBatches(database, 1)
            for _ in 0..<10 { group.addTask { _ = try await batcher.rotate(request()) } }
            try await waitForWaiting(batcher, 10)
            try await database.openGate()
            try await group.waitForAll()
        }
        #expect(database.batches.withLock { $0.map(\.count) } == [1, 4, 4, 2])
    }

    @Test("a batch answered with the wrong number of results fails its callers instead of leaving one waiting")
    func wrongResultCount() async throws {
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { _ in [] }
        await #expect(throws: BatonError.storeFailure) { try await batcher.rotate(request()) }
    }

    @Test("a caller queued behind a batch that never answers gets unavailable by its own deadline, not the batch's plus its own")
    func queuedCallerAnsweredByItsDeadline() async throws {
        let timeout = Duration.seconds(2)
        let clock = TestClock()
        let deadline = DatabaseDeadline(timeout: timeout, clock: clock.erased, logger: Logger(label: "test"))
        // A database that never answers: every batch waits until it is cancelled.
        let database = Database(holdsEvery: true)
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64, deadline: deadline) { requests in try await database.execute(requests) }
        let first = Task { try await batcher.rotate(request()) }
        try await waitForBatches(database, 1)
        clock.advance(by: .milliseconds(100))
        let queued = Task { try await batcher.rotate(request()) }
        try await waitForWaiting(batcher, 1)
        // The first batch is given up at its caller's deadline although its statement never returns; the queued
        // caller then goes in a batch of its own.
        clock.advance(by: timeout - .milliseconds(100))
        deadline.abandonOverdue(now: clock.now)
        await #expect(throws: BatonError.databaseTimedOut) { try await first.value }
        try await waitForBatches(database, 2)
        // Due at its arrival plus the timeout, not the first batch's deadline plus a whole timeout.
        clock.advance(by: .milliseconds(99))
        deadline.abandonOverdue(now: clock.now)
        #expect(deadline.inFlight == 1, "the queued caller's batch is not due yet")
        clock.advance(by: .milliseconds(1))
        deadline.abandonOverdue(now: clock.now)
        await #expect(throws: BatonError.databaseTimedOut) { try await queued.value }
        #expect(deadline.inFlight == 0)
    }

    @Test("a caller whose deadline passed while it waited is answered unavailable and never sent to the database")
    func overdueCallerNotSent() async throws {
        let database = Database()
        let abandoned = Mutex<[String]>([])
        // The clock stands still unless the test moves it: however late a task starts on a loaded machine, no caller
        // is overdue before the test says so. The deadline's sweep does not run: only the queued caller's own check.
        let clock = TestClock()
        let deadline = DatabaseDeadline(timeout: .seconds(1), clock: clock.erased, logger: Logger(label: "test")) { operation in
            abandoned.withLock { $0.append(operation) }
        }
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64, deadline: deadline) { requests in try await database.execute(requests) }
        let first = Task { try await batcher.rotate(request()) }
        try await waitForBatches(database, 1)
        let overdue = Task { try await batcher.rotate(request()) }
        try await waitForWaiting(batcher, 1)
        clock.advance(by: .milliseconds(1300))  // past the queued caller's deadline; the first batch still holds
        try await database.openGate()
        #expect(try await first.value == nil)
        await #expect(throws: BatonError.databaseTimedOut) { try await overdue.value }
        #expect(database.batches.withLock { $0.count } == 1)
        #expect(abandoned.withLock { $0 } == ["rotate(_:)"], "the overdue caller is counted (baton_database_operations_abandoned_total)")
    }

    @Test("a caller cancelled while it waits for a batch leaves at once; the batch at the database goes on")
    func cancelledWaiterLeaves() async throws {
        let database = Database()
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { requests in try await database.execute(requests) }
        let first = Task { try await batcher.rotate(request()) }
        try await waitForBatches(database, 1)
        let cancelled = Task { try await batcher.rotate(request()) }
        try await waitForWaiting(batcher, 1)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(batcher.waitingCount == 0)
        try await database.openGate()
        #expect(try await first.value == nil)
        #expect(database.batches.withLock { $0.count } == 1, "the cancelled caller never reached the database")
    }
}
