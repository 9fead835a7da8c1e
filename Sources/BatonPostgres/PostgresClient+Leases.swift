import BatonCore
import Logging
import PostgresNIO

extension PostgresClient {
    /// `body` on a connection of the pool, which is closed (and its close awaited) instead of returned when it is
    /// no use to the next lease: lost, in an unknown state, or on a read-only server (a demoted primary, a replica
    /// behind a stale route). The pool then opens a new one to wherever the address leads now, so Baton follows a
    /// new primary without a restart, and a retry right after a lost connection does not lease the same dead one.
    func leased<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        // The pool hands out a connection the server closed until it has handled that close, and PostgresNIO drops
        // a query written to a closed connection without ever answering it: such a lease is given back at once and
        // another taken, a bounded number of times.
        for _ in 0..<Self.closedLeaseRetries {
            let outcome: Result? = try await withConnection { connection in
                guard !connection.isClosed else { return nil }
                do {
                    return try await body(connection)
                } catch  where connection.isClosed || PostgresErrorTranslator.leavesConnectionUnusable(error) {
                    try? await connection.close()
                    throw error
                }
            }
            if let outcome { return outcome }
            await Task.yield()
        }
        throw BatonError.databaseUnavailable
    }

    /// How many closed connections a lease gives back before it fails `unavailable`.
    static let closedLeaseRetries = 100

    /// `body` in a transaction on a `leased` connection.
    func leasedTransaction<Result: Sendable>(
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await leased { connection in try await connection.withTransaction(logger: logger) { try await body($0) } }
    }
}
