import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Testing

/// Start-up's reachability check: it waits while waiting can help, gives up with the cause, and never hangs.
@Suite("Database reachability at start-up", .hangGuard)
struct DatabaseReachabilityTests {
    let logger = Logger(label: "reachability-test")

    @Test("a database that answers is reached at once: no retry, no time passes")
    func answers() async throws {
        let clock = TestClock()
        let reachability = try DatabaseReachability(url: try TestDatabase.url(), patience: .seconds(30), clock: clock.erased, logger: logger)
        try await clock.advancing(within: .seconds(1)) { try await reachability.waitUntilAnswering() }
        #expect(clock.now.offset == .zero)
    }

    @Test("a refused connection is retried for the whole patience, then reported with its cause")
    func refusedUntilPatienceEnds() async throws {
        let records = RecordingLogHandler.Records()
        let clock = TestClock()
        let reachability = try DatabaseReachability(
            url: DatabaseProbeTests.silentURL,
            patience: .milliseconds(2_500),
            clock: clock.erased,
            logger: RecordingLogHandler.logger(records)
        )
        let error = await #expect(throws: DatabaseUnreachable.self) {
            try await clock.advancing(within: .seconds(1)) { try await reachability.waitUntilAnswering() }
        }
        // Tries at 0, 1, 2 and 2.5 s: the pause is a second, or what is left of the patience.
        #expect(error?.waited == .milliseconds(2_500))
        #expect(records.all.filter { $0.contains("waiting for the database") }.count == 1, "\(records.all)")
        #expect(error?.description.lowercased().contains("refused") == true, "\(String(describing: error))")
        #expect(error?.description.contains("127.0.0.1:") == true)
    }

    @Test("a patience of 0 (BATON_DATABASE_STARTUP_WAIT=0) is one try: no retry is announced")
    func patienceZeroIsOneTry() async throws {
        let records = RecordingLogHandler.Records()
        let clock = TestClock()
        let reachability = try DatabaseReachability(
            url: DatabaseProbeTests.silentURL,
            patience: .zero,
            clock: clock.erased,
            logger: RecordingLogHandler.logger(records)
        )
        let error = await #expect(throws: DatabaseUnreachable.self) { try await reachability.waitUntilAnswering() }
        #expect(error?.waited == .zero, "a refused connection is a cause that may pass, even with no time to wait for it")
        #expect(!records.all.contains { $0.contains("waiting for the database") }, "\(records.all)")
    }

    @Test("an unknown database or role stops the wait at once, with PostgreSQL's own words and without the password")
    func refusedForGood() async throws {
        let url = try TestDatabase.url()
        let slash = try #require(url.lastIndex(of: "/"))
        let wrongDatabase = url[..<slash] + "/no_such_database"
        let wrongRole = url.replacingOccurrences(of: "//baton@", with: "//nobody:s3cret-pw@")
        for (wrong, expected) in [(String(wrongDatabase), "does not exist"), (wrongRole, "\"nobody\"")] {
            let clock = TestClock()
            let reachability = try DatabaseReachability(url: wrong, patience: .seconds(30), clock: clock.erased, logger: logger)
            let error = await #expect(throws: DatabaseUnreachable.self) {
                try await clock.advancing(within: .seconds(1)) { try await reachability.waitUntilAnswering() }
            }
            #expect(clock.now.offset == .zero, "retried a cause that waiting cannot fix")
            #expect(error?.waited == nil)
            #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
            #expect(error?.description.contains("s3cret-pw") == false)
        }
    }

    @Test("a server refusing for now (too many connections, SQLSTATE 53300) is waited for, not given up on at once")
    func tooManyConnectionsIsWaitedFor() async throws {
        let role = "full_\(UUID().uuidString.prefix(8).lowercased())"
        try await TestDatabase.withClient { admin in
            // A role allowed no connection at all: PostgreSQL answers it 53300, as a server out of connections does.
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN CONNECTION LIMIT 0"), logger: logger)
            let url = try TestDatabase.url().replacingOccurrences(of: "//baton@", with: "//\(role)@")
            let clock = TestClock()
            let reachability = try DatabaseReachability(url: url, patience: .milliseconds(1_500), clock: clock.erased, logger: logger)
            let error = await #expect(throws: DatabaseUnreachable.self) {
                try await clock.advancing(within: .seconds(1)) { try await reachability.waitUntilAnswering() }
            }
            try await admin.query(PostgresQuery(unsafeSQL: "DROP ROLE \(role)"), logger: logger)
            #expect(error?.waited == .milliseconds(1_500), "given up early: \(String(describing: error))")
            #expect(error?.description.contains("53300") == true, "\(String(describing: error))")
        }
    }

    @Test("a server that accepts the connection and never answers costs one attempt's time, not a hang")
    func silentServer() async throws {
        // Accepts and reads, never writes: PostgreSQL's start-up message goes unanswered.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let url = "postgres://baton@127.0.0.1:\(silent.localAddress?.port ?? 1)/baton_test"
        let clock = TestClock()
        // The attempt's bound is also PostgresNIO's connect timeout, on real time: long enough here that only the
        // test clock's reaches it (with one second, a loaded machine's real second could come first).
        let reachability = try DatabaseReachability(
            url: url,
            patience: .seconds(1),
            attemptTimeout: .seconds(600),
            clock: clock.erased,
            logger: logger
        )
        let error = await #expect(throws: DatabaseUnreachable.self) {
            // The horizon takes in the attempt's own bound: its time passes as soon as the attempt begins.
            try await clock.advancing(within: .seconds(600)) { try await reachability.waitUntilAnswering() }
        }
        #expect(error?.waited == .seconds(600), "\(String(describing: error))")
        #expect(error?.description.contains("no answer within 600 s") == true, "\(String(describing: error))")
    }

    @Test("a database that comes up during the wait is reached, and start-up goes on")
    func comesUpDuringTheWait() async throws {
        try await PrivatePostgres.with { postgres in
            try await postgres.crash()
            let clock = TestClock()
            let reachability = try DatabaseReachability(url: postgres.url, patience: .seconds(30), clock: clock.erased, logger: logger)
            let reached = Task { try await reachability.waitUntilAnswering() }
            try #require(await clock.sleeper(within: .seconds(1)) != nil)  // refused once, and waiting to retry
            try await postgres.resume()
            try await clock.advancing(within: .seconds(1)) { try await reached.value }
            #expect(clock.now.offset >= .seconds(1))
        }
    }

    @Test("start-up's wait ends when its task is cancelled (a signal), with the cause so far")
    func cancelledWait() async throws {
        let clock = TestClock()
        let reachability = try DatabaseReachability(url: DatabaseProbeTests.silentURL, patience: .seconds(30), clock: clock.erased, logger: logger)
        let waiting = Task { try await reachability.waitUntilAnswering() }
        try #require(await clock.sleeper(within: .seconds(1)) != nil)
        waiting.cancel()
        let error = await #expect(throws: DatabaseUnreachable.self) { try await waiting.value }
        #expect(error?.description.lowercased().contains("refused") == true, "\(String(describing: error))")
    }
}
