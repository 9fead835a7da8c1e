import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@Suite("Database probe and fail-fast")
struct DatabaseProbeTests {
    static let logger = Logger(label: "probe-test")
    /// Nothing listens on port 1: every connection attempt is refused.
    static let silentURL = "postgres://baton@127.0.0.1:1/baton"

    /// Runs `probe` while `body` runs.
    static func whileProbing(_ probe: DatabaseProbe, _ body: @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await probe.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    /// Polls `condition` every 50 ms for up to 10 s; whether it became true.
    static func eventually(_ condition: @Sendable () -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test("a database that refuses connections is found silent, and the probe says so once")
    func silentDatabase() async throws {
        let availability = DatabaseAvailability()
        let told = Mutex(0)
        let probe = DatabaseProbe(
            configuration: try DatabaseURL.configuration(from: Self.silentURL), availability: availability, interval: .milliseconds(100),
            timeout: .milliseconds(500), logger: Self.logger
        ) { told.withLock { $0 += 1 } }
        try await Self.whileProbing(probe) {
            let silent = try await Self.eventually { !availability.isAnswering }
            #expect(silent)
            try await Task.sleep(for: .milliseconds(300))  // more probes fail; only the change is told
            #expect(told.withLock { $0 } == 1)
        }
    }

    @Test("while the database is marked silent the store fails at once with unavailable; the probe marks it answering again")
    func failFastThenRecover() async throws {
        let url = try TestDatabase.url()
        let availability = DatabaseAvailability()
        availability.record(answering: false)
        try await TestDatabase.withClient { client in
            let store = PostgresStore(client: client, logger: Self.logger, availability: availability)
            let start = ContinuousClock.now
            await #expect(throws: BatonError.unavailable("the database does not answer")) { try await store.checkReachable() }
            #expect(ContinuousClock.now - start < .milliseconds(500))

            let probe = DatabaseProbe(
                configuration: try DatabaseURL.configuration(from: url), availability: availability, interval: .milliseconds(100), logger: Self.logger
            )
            try await Self.whileProbing(probe) {
                let answering = try await Self.eventually { availability.isAnswering }
                #expect(answering)
                try await store.checkReachable()
            }
        }
    }
}
