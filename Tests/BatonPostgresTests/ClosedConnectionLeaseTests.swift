import BatonCore
import BatonTestSupport
import Dispatch
import Logging
import NIOPosix
import PostgresNIO
import Testing

@testable import BatonPostgres

/// A connection's channel is inactive as soon as it closes, and its close completes a turn of its event loop later;
/// only then does the pool hear of it. In between, the pool hands the dead connection out as if it were idle (a
/// rotation's retry failed `unavailable` this way in a full run on a busy machine). The test holds that moment open
/// by keeping the connection's event loop busy right after the close: a lease must wait it out and get a live
/// connection, never fail `unavailable` for a pool that can open one.
@Suite("A lease of a connection whose close is not complete", .hangGuard)
struct ClosedConnectionLeaseTests {
    let logger = Logger(label: "closed-lease-test")

    /// How long the event loop stays busy after the close. A lease that waits for the close (as it must) sees the
    /// hold end only by this bound; one that does not gives up long before it, so the verdict does not depend on it.
    static let hold = DispatchTimeInterval.seconds(2)

    @Test("a connection closed while idle is not handed to a lease as live")
    func closedWhileIdle() async throws {
        try await withOneConnectionPool { leases in
            let first = try await leases.leased { $0 }
            let released = DispatchSemaphore(value: 0)
            Self.closeAndHold(first, until: released)
            defer { released.signal() }
            try await waitUntil("the connection is closed") { first.isClosed }
            let second = try await leases.leased { $0.id }
            #expect(second != first.id)
        }
    }

    /// Closes `connection` on its event loop and keeps the loop busy until `released` or `hold`, so that its close
    /// does not complete before then.
    static func closeAndHold(_ connection: PostgresConnection, until released: DispatchSemaphore) {
        connection.eventLoop.execute {
            let _: EventLoopFuture<Void> = connection.close()
            _ = released.wait(timeout: .now() + hold)
        }
    }

    /// `body` with leases of a pool of at most one connection, on an event loop of its own (held by the test, which
    /// must not stall other tests' connections).
    func withOneConnectionPool(_ body: @Sendable (ConnectionLeases) async throws -> Void) async throws {
        var configuration = try DatabaseURL.configuration(from: TestDatabase.url())
        configuration.options.maximumConnections = 1
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = PostgresClient(configuration: configuration, eventLoopGroup: loops, backgroundLogger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await pool.run() }
                defer { group.cancelAll() }
                try await body(ConnectionLeases(pool))
            }
        } catch {
            try await loops.shutdownGracefully()
            throw error
        }
        try await loops.shutdownGracefully()
    }
}
