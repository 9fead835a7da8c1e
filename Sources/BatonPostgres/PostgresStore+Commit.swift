import BatonCore
import PostgresNIO

extension PostgresStore {
    /// Runs `write` (statements outside an explicit transaction) on one leased connection and returns only once
    /// PostgreSQL has committed it. Over the extended protocol, which the driver always uses, a statement is answered
    /// (rows and CommandComplete) before its implicit commit, which comes with the Sync after it; a server dying in
    /// between (an immediate shutdown, a crashed backend) flushes those answers first, and the driver reports success
    /// for a write that was never committed. A barrier statement on the same connection is answered only after that
    /// commit, or not at all. (`ConnectionLeases.transaction` needs none: its COMMIT is answered after committing.)
    func committed<Result: Sendable>(_ write: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await leases.leased { connection in
            let result = try await write(connection)
            try await Self.confirmCommitted(on: connection, pooling: pooling, logger: logger)
            return result
        }
    }

    /// A store operation (see `translatingErrors`) whose write is `committed`.
    @discardableResult
    func committedWrite<Result: Sendable>(
        operation: StaticString = #function,
        _ write: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await translatingErrors(operation: operation) { try await committed(write) }
    }

    /// Waits for the barrier's answer: everything before it on `connection` is committed.
    static func confirmCommitted(on connection: PostgresConnection, pooling: DatabasePooling, logger: Logger) async throws {
        // Closed already (the server died, or the commit failed and the driver dropped the connection): the commit is
        // unknown, and a barrier written now would never be answered (see `DatabaseDeadline`).
        guard !connection.isClosed else { throw BatonError.unavailable("the database connection closed before the commit was confirmed") }
        do {
            _ = try await connection.rows(of: CommitBarrier(), pooling: pooling, logger: logger)
        } catch {
            // Whatever the barrier met (a lost connection, or an error from a pooler that handed it elsewhere), the
            // write may have committed: a retry must be possible, so the answer is 503, never a failure of the write.
            logger.warning(
                "the commit of a write could not be confirmed",
                metadata: ["sql_state": "\((error as? PSQLError)?.serverInfo?[.sqlState] ?? "-")", "error_type": "\(type(of: error))"]
            )
            throw BatonError.commitUnconfirmed
        }
    }
}

/// `SELECT 1`, prepared once per connection: answered only after everything sent before it is committed.
struct CommitBarrier: PostgresPreparedStatement {
    typealias Row = Int32
    static let sql = "SELECT 1::integer"

    func makeBindings() throws -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Int32 { try row.decode(Int32.self) }
}
