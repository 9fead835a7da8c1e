import BatonCore
import Logging
import PostgresNIO
import Synchronization

/// The pool's connections, leased so that none of no use is handed out or given back. A connection lost, in an
/// unknown state, or on a read-only server (a demoted primary, a replica behind a stale route) is closed, its close
/// awaited, instead of returned; once any connection meets a read-only server, every connection opened before it is
/// suspect and closed at its next lease. The pool then opens new ones to wherever the address leads now, so Baton
/// follows a new primary without a restart.
struct ConnectionLeases: Sendable {
    let client: PostgresClient
    private let epochs = Epochs()

    init(_ client: PostgresClient) { self.client = client }

    /// How many closed connections one lease gives back before it fails `unavailable`.
    static let closedLeaseRetries = 100

    /// `body` on a connection of use.
    func leased<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        // The pool hands out a connection the server closed until it has handled that close, and PostgresNIO drops
        // a query written to a closed connection without ever answering it: such a lease is given back once the
        // pool knows it closed (`closeCompletely`), and another taken, a bounded number of times. A suspect one is
        // closed and another taken.
        var closedLeases = 0
        while closedLeases < Self.closedLeaseRetries {
            let outcome: Lease<Result> = try await client.withConnection { connection in
                epochs.saw(connection.id)
                if connection.isClosed {
                    await connection.closeCompletely()
                    return .closed
                }
                if epochs.isSuspect(connection.id) {
                    await connection.closeCompletely()
                    return .suspect
                }
                do {
                    return .answered(try await body(connection))
                } catch  where connection.isClosed || PostgresErrorTranslator.leavesConnectionUnusable(error) {
                    if PostgresErrorTranslator.isReadOnly(error) { epochs.suspectAllSoFar() }
                    await connection.closeCompletely()
                    throw error
                }
            }
            switch outcome {
            case .answered(let result): return result
            case .closed: closedLeases += 1
            case .suspect: continue
            }
        }
        throw BatonError.databaseUnavailable
    }

    /// What one lease came to.
    private enum Lease<Result: Sendable>: Sendable {
        case answered(Result)
        /// Closed already: given back, to be replaced once the pool has handled its close.
        case closed
        /// Opened before a read-only server was met: closed.
        case suspect
    }

    /// `body` in a transaction on a `leased` connection. Not PostgresNIO's `withTransaction`: after an error that
    /// closed the connection it would still write a ROLLBACK, which is never answered (see `endFailedTransaction`).
    /// `untilClosed`, for work with no deadline to give up for it (the migrator): BEGIN, COMMIT and ROLLBACK are
    /// answered even when the connection closes under them (`queryUntilClosed`). Store operations have
    /// `DatabaseDeadline` instead: a pooled connection lives long, and each such query leaves it a close callback.
    func transaction<Result: Sendable>(
        logger: Logger,
        untilClosed: Bool = false,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await leased { connection in
            try await Self.run("BEGIN", on: connection, untilClosed: untilClosed, logger: logger)
            let result: Result
            do {
                result = try await body(connection)
            } catch {
                await Self.endFailedTransaction(on: connection, after: error, untilClosed: untilClosed, logger: logger)
                throw error
            }
            try await Self.run("COMMIT", on: connection, untilClosed: untilClosed, logger: logger)
            return result
        }
    }

    /// Ends `connection`'s transaction after `error`: a ROLLBACK when the connection can still answer one, else the
    /// connection is closed, and the server rolls back a transaction whose connection ends. PostgresNIO 1.33 never
    /// answers a query written to a connection that is closed or closing, as one is when the pool shuts down under a
    /// query in flight (a signal, a cancelled task group): a ROLLBACK written then would wait for ever.
    private static func endFailedTransaction(
        on connection: PostgresConnection,
        after error: any Error,
        untilClosed: Bool,
        logger: Logger
    ) async {
        if connection.isClosed || PostgresErrorTranslator.leavesConnectionUnusable(error) {
            await connection.closeCompletely()
        } else {
            try? await run("ROLLBACK", on: connection, untilClosed: untilClosed, logger: logger)
        }
    }

    /// One of a transaction's own statements, raced against the connection's close when `untilClosed`.
    private static func run(_ statement: PostgresQuery, on connection: PostgresConnection, untilClosed: Bool, logger: Logger) async throws {
        if untilClosed {
            try await connection.queryUntilClosed(statement, logger: logger)
        } else {
            try await connection.query(statement, logger: logger)
        }
    }

    /// `statement`'s rows on a `leased` connection (see `PostgresConnection.rows(of:pooling:logger:)`).
    func rows<Statement: PostgresPreparedStatement>(
        of statement: Statement,
        pooling: DatabasePooling,
        logger: Logger
    ) async throws -> [Statement.Row] where Statement.Row: Sendable {
        try await leased { try await $0.rows(of: statement, pooling: pooling, logger: logger) }
    }

    /// Marks every connection opened so far suspect, as when the server turned out to be read-only.
    func suspectAllSoFar() { epochs.suspectAllSoFar() }

    /// Connection ids grow as the pool opens connections: those below `suspectBelow` were open when a read-only
    /// server was met.
    private final class Epochs: Sendable {
        let highestSeen = Atomic(-1)
        let suspectBelow = Atomic(Int.min)

        func saw(_ id: Int) { highestSeen.max(id, ordering: .relaxed) }
        func isSuspect(_ id: Int) -> Bool { id < suspectBelow.load(ordering: .relaxed) }
        func suspectAllSoFar() { suspectBelow.max(highestSeen.load(ordering: .relaxed) + 1, ordering: .relaxed) }
    }
}

extension PostgresConnection {
    /// `query`'s rows, or `BatonError.databaseConnectionEnded` once the connection has closed, whichever comes
    /// first. PostgresNIO 1.33 never answers a query written to a connection the server has just closed: work with no
    /// deadline to give up for it (a migration) would wait for ever. The lost query's task is left waiting; it holds
    /// nothing but the closed connection. Each call leaves a callback on the connection until it closes: for short
    /// work, not for every query on the service's long-lived connections.
    @discardableResult
    func queryUntilClosed(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        let answer = FirstAnswer<PostgresRowSequence>()
        return try await withCheckedThrowingContinuation { continuation in
            answer.await(continuation)
            Task { await answer.settle { try await self.query(query, logger: logger) } }
            closeFuture.whenComplete { _ in answer.settle(.failure(BatonError.databaseConnectionEnded)) }
        }
    }

    /// Closes the connection and returns once the close is complete, and so known to the pool. PostgresNIO's
    /// `close()` of a connection the server already closed does not wait for that close to complete, and the pool
    /// hears of it only then: a connection given back before is handed out again, dead.
    func closeCompletely() async {
        try? await close()
        try? await closeFuture.get()
    }
}
