import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@Suite("Database probe and fail-fast", .hangGuard)
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

    @Test("a database that refuses connections is found silent, and the probe says so once")
    func silentDatabase() async throws {
        let availability = DatabaseAvailability()
        let told = Mutex(0)
        let clock = TestClock()
        let probe = DatabaseProbe(
            configuration: try DatabaseURL.configuration(from: Self.silentURL),
            availability: availability,
            interval: .milliseconds(100),
            timeout: .milliseconds(500),
            clock: clock.erased,
            logger: Self.logger
        ) { told.withLock { $0 += 1 } }
        try await Self.whileProbing(probe) {
            // The horizon takes in each probe's timeout: every probe goes unanswered and times out on this clock.
            try await clock.advancing(within: .milliseconds(500)) {
                try await waitUntil("the database is found silent") { !availability.isAnswering }
                let silentAt = clock.now
                try await waitUntil("more probes fail") { silentAt.duration(to: clock.now) >= .seconds(3) }
            }
            #expect(told.withLock { $0 } == 1, "only the change is told")
        }
    }

    @Test("while the database is marked silent the store fails at once with unavailable; the probe marks it answering again")
    func failFastThenRecover() async throws {
        let url = try TestDatabase.url()
        let availability = DatabaseAvailability()
        availability.record(answering: false)
        try await TestDatabase.withClient { client in
            let store = PostgresStore(client: client, logger: Self.logger, availability: availability)
            await #expect(throws: BatonError.unavailable("the database does not answer")) { try await store.checkReachable() }

            let clock = TestClock()
            let probe = DatabaseProbe(
                configuration: try DatabaseURL.configuration(from: url),
                availability: availability,
                interval: .milliseconds(100),
                clock: clock.erased,
                logger: Self.logger
            )
            try await Self.whileProbing(probe) {
                try await clock.advancing(within: .milliseconds(100)) {
                    try await waitUntil("the database is found answering") { availability.isAnswering }
                }
                try await store.checkReachable()
            }
        }
    }
}
