import PostgresNIO

/// One line for an operator about a driver error: PostgreSQL's own message and SQL state, or the network cause.
/// `PSQLError`'s description is generic by design (it could carry bind values); this names the cause without them.
enum PostgresErrorSummary {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let state = error.serverInfo?[.sqlState] {
                return "\(error.serverInfo?[.message] ?? "refused") (SQLSTATE \(state))"
            }
            return "no connection (\(error.underlying.map { String(describing: $0) } ?? "\(error.code)"))"
        default:
            return String(describing: error)
        }
    }
}
