import Logging
import PostgresNIO

/// How Baton's connections reach PostgreSQL: straight to the server, or through a pooler in transaction mode
/// (PgBouncer's `pool_mode = transaction`), which may hand each transaction of one client connection to a
/// different server connection. Behind such a pooler nothing may outlive a transaction: no named prepared
/// statements, no session settings, no session advisory locks, no `LISTEN` (see deploy/README.md).
public enum DatabasePooling: String, Sendable, CaseIterable {
    case direct
    case transaction

    /// Whether a statement prepared on a connection is still there for the next transaction.
    var keepsPreparedStatements: Bool { self == .direct }
}

extension PostgresConnection {
    /// `statement`'s rows: prepared once per connection when `pooling` keeps prepared statements, else sent as
    /// the unnamed statement, which lives only as long as its own round trip.
    func rows<Statement: PostgresPreparedStatement>(
        of statement: Statement,
        pooling: DatabasePooling,
        logger: Logger
    ) async throws -> [Statement.Row] {
        var rows: [Statement.Row] = []
        if pooling.keepsPreparedStatements {
            for try await row in try await execute(statement, logger: logger) { rows.append(row) }
        } else {
            let query = PostgresQuery(unsafeSQL: Statement.sql, binds: try statement.makeBindings())
            for try await row in try await self.query(query, logger: logger) { rows.append(try statement.decodeRow(row)) }
        }
        return rows
    }
}
