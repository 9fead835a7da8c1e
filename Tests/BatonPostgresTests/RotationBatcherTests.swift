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

        func openGate() async {
            while true {
                if let continuation = gate.withLock({ gate in defer { gate = nil }; return gate }) {
                    continuation.resume()
                    return
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    func request() -> RotationRequest {
        RotationRequest(
            tenantID: TenantID(), sessionID: UUID(), clientID: "app", presentedGeneration: 0, presentedHash: Data([1]), successorHash: Data([2]),
            now: Date(), idleExpiresAt: Date()
        )
    }

    /// Waits until the fake database has seen `count` batches.
    func waitForBatches(_ database: Database, _ count: Int) async {
        while database.batches.withLock({ $0.count }) < count { try? await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("a lone rotation goes at once; the ones arriving while its batch runs go together in the next")
    func arrivalsWaitForTheNextBatch() async throws {
        let database = Database()
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { try await database.execute($0) }
        let first = request()
        let later = (0..<5).map { _ in request() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await batcher.rotate(first) }
            await waitForBatches(database, 1)
            for request in later { group.addTask { _ = try await batcher.rotate(request) } }
            try await Task.sleep(for: .milliseconds(200))  // all five are waiting behind the first batch
            #expect(database.batches.withLock { $0.count } == 1)
            await database.openGate()
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
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { try await database.execute($0) }
        let failed = Task { try await batcher.rotate(request()) }
        await waitForBatches(database, 1)
        let next = Task { try await batcher.rotate(request()) }
        try await Task.sleep(for: .milliseconds(100))
        await database.openGate()
        await #expect(throws: BatonError.self) { try await failed.value }
        #expect(try await next.value == nil)
        #expect(database.batches.withLock { $0.count } == 2)
    }

    @Test("no batch is larger than maxBatch")
    func batchSizeBound() async throws {
        let database = Database()
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 4) { try await database.execute($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await batcher.rotate(request()) }
            await waitForBatches(database, 1)
            for _ in 0..<10 { group.addTask { _ = try await batcher.rotate(request()) } }
            try await Task.sleep(for: .milliseconds(200))
            await database.openGate()
            try await group.waitForAll()
        }
        #expect(database.batches.withLock { $0.map(\.count) } == [1, 4, 4, 2])
    }

    @Test("a batch answered with the wrong number of results fails its callers instead of leaving one waiting")
    func wrongResultCount() async throws {
        let batcher = RotationBatcher(maxRunning: 1, maxBatch: 64) { _ in [] }
        await #expect(throws: BatonError.storeFailure) { try await batcher.rotate(request()) }
    }
}
