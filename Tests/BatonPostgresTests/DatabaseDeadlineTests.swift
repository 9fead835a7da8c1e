import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Glibc
import Logging
import PostgresNIO
import Synchronization
import Testing

@Suite("Deadline on database operations", .hangGuard)
struct DatabaseDeadlineTests {
    static let logger = Logger(label: "deadline-test")

    /// Runs `body` while `deadline` sweeps.
    static func whileSweeping<Result: Sendable>(_ deadline: DatabaseDeadline, _ body: @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await deadline.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Runs `body` with a pooled connection whose server process was terminated, once the driver has seen it close.
    static func withClosedConnection(_ body: @Sendable (PostgresConnection) async throws -> Void) async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                let pid = try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(Int32.self)
                _ = try await client.query("SELECT pg_terminate_backend(\(try #require(pid)))").collect()
                try await connection.closeFuture.get()
                // The channel's handlers go one event-loop turn after it closed; from then on a query is lost.
                try await connection.eventLoop.submit {}.get()
                try await body(connection)
            }
        }
    }

    /// Pins the reason `DatabaseDeadline` exists. If this fails, PostgresNIO answers such a query now, and the deadline
    /// is a safety net only. The one real-time wait in these tests: it observes that nothing happens.
    @Test("PostgresNIO 1.33 never answers a query written to a connection the server has closed")
    func driverLosesQuery() async throws {
        try await Self.withClosedConnection { connection in
            let answered = OnceFlag()
            let query = Task {
                _ = try? await connection.query("SELECT 1", logger: Self.logger).collect()
                answered.set()
            }
            try await Task.sleep(for: .seconds(1))
            #expect(!answered.isSet)
            query.cancel()  // ignored by the driver: the task stays suspended, as a request would
        }
    }

    @Test("that query, under the deadline, is answered unavailable once its time is up, not before, and nothing stays pending")
    func lostQueryAnswered() async throws {
        let clock = TestClock()
        let deadline = DatabaseDeadline(timeout: .milliseconds(300), clock: clock.erased, logger: Self.logger)
        try await Self.whileSweeping(deadline) {
            try await Self.withClosedConnection { connection in
                let lost = Task {
                    try await deadline.enforce(operation: #function) { try await connection.query("SELECT 1", logger: Self.logger).collect() }
                }
                try await waitUntil("the query is in flight") { deadline.inFlight == 1 }
                // Sweep after sweep up to just short of the timeout: still waiting.
                while clock.now.offset < .milliseconds(270) {  // sweeps every 30 ms; the one at 300 ms is due
                    let wakeUp = try #require(await clock.sleeper())
                    clock.advance(by: clock.now.duration(to: wakeUp))
                }
                await clock.sleeper()  // that sweep is done
                #expect(deadline.inFlight == 1)
                let answer = try await clock.advancing(within: .milliseconds(30)) { await lost.result }
                #expect(throws: BatonError.unavailable("the database did not answer in time")) { try answer.get() }
                #expect(clock.now.offset >= .milliseconds(300))
                #expect(deadline.inFlight == 0)
            }
        }
    }

    @Test("an operation that answers in time gives its own value or error, and leaves nothing pending")
    func answerInTime() async throws {
        let deadline = DatabaseDeadline(timeout: .seconds(5), clock: TestClock().erased, logger: Self.logger)
        try await Self.whileSweeping(deadline) {
            let value = try await deadline.enforce(operation: #function) { 42 }
            #expect(value == 42)
            await #expect(throws: BatonError.conflict("taken")) {
                try await deadline.enforce(operation: #function) { () async throws -> Int in throw BatonError.conflict("taken") }
            }
            #expect(deadline.inFlight == 0)
        }
    }

    @Test("the abandoned operation is cancelled (a wait that honours cancellation ends with it) and reported by name")
    func abandonedWorkCancelled() async throws {
        let reported = Mutex<[String]>([])
        let clock = TestClock()
        let deadline = DatabaseDeadline(timeout: .milliseconds(100), clock: clock.erased, logger: Self.logger) { name in
            reported.withLock { $0.append(name) }
        }
        let cancelled = OnceFlag()
        let never = OnceFlag()
        try await Self.whileSweeping(deadline) {
            try await clock.advancing(within: .milliseconds(10)) {
                await #expect(throws: BatonError.self) {
                    try await deadline.enforce(operation: #function) {
                        do { try await never.wait() } catch { cancelled.set() }
                    }
                }
            }
            try await cancelled.wait()
            #expect(reported.withLock { $0 } == ["abandonedWorkCancelled()"])
        }
    }

    @Test("abandonAll answers every operation in flight at once, with no time passing")
    func abandonAll() async throws {
        let clock = TestClock()
        let deadline = DatabaseDeadline(timeout: .seconds(30), clock: clock.erased, logger: Self.logger)
        let never = OnceFlag()
        try await Self.whileSweeping(deadline) {
            let first = Task { try await deadline.enforce(operation: #function) { try await never.wait() } }
            let second = Task { try await deadline.enforce(operation: #function) { try await never.wait() } }
            try await waitUntil("both operations are in flight") { deadline.inFlight == 2 }
            deadline.abandonAll()
            await #expect(throws: BatonError.unavailable("the database does not answer")) { try await first.value }
            await #expect(throws: BatonError.unavailable("the database does not answer")) { try await second.value }
            #expect(clock.now.offset == .zero)
            #expect(deadline.inFlight == 0)
        }
    }

    /// A port that accepts connections and never says a word: a database host that hung.
    final class SilentServer: Sendable {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.descriptor = descriptor
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
                }
            }
            // Never accepted: the kernel completes each handshake into the backlog, and the driver waits for an answer.
            guard bound, listen(descriptor, 64) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(descriptor) }
    }

    @Test("a store call waiting on a database that never answers gets unavailable at the deadline and gives its place back")
    func silentDatabase() async throws {
        let server = try SilentServer()
        var configuration = try DatabaseURL.configuration(from: "postgres://baton@127.0.0.1:\(server.port)/baton")
        configuration.options.connectTimeout = .seconds(60)
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
        let admission = DatabaseAdmission(limit: 8)
        let clock = TestClock()
        let deadline = DatabaseDeadline(timeout: .milliseconds(300), clock: clock.erased, logger: Self.logger)
        let store = PostgresStore(client: client, logger: Self.logger, admission: admission, deadline: deadline)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await Self.whileSweeping(deadline) {
                // Without the deadline: the 60 s connect timeout, past the suite's time limit.
                try await clock.advancing(within: .milliseconds(30)) {
                    await #expect(throws: BatonError.unavailable("the database did not answer in time")) { try await store.checkReachable() }
                }
                #expect(admission.count == 0)
            }
        }
        _ = server
    }
}
