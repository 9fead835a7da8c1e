import BatonCore
import PostgresNIO

/// Start-up's question to the pool itself, once `DatabaseReachability` has reached the server: a pooled connection
/// must open and answer within the patience, and run with the statement timeout Baton is configured with. Without
/// it, a pool whose every connection is refused (a pooler refusing a startup parameter) left `serve` waiting for
/// ever, alive and not listening; and behind a transaction-mode pooler, where Baton cannot set the timeout, a role
/// without it would lose it silently.
public struct PoolStartupCheck: Sendable {
    let store: PostgresStore
    /// Where the database is, for messages (`DatabaseReachability.destination`).
    let destination: String
    let pooling: DatabasePooling
    /// Milliseconds, as `BATON_DATABASE_STATEMENT_TIMEOUT` says; 0 for none.
    let statementTimeout: Int
    let patience: Duration
    let clock: AnyClock

    public init(store: PostgresStore, destination: String, pooling: DatabasePooling, statementTimeout: Int, patience: Duration, clock: AnyClock) {
        self.store = store
        self.destination = destination
        self.pooling = pooling
        self.statementTimeout = statementTimeout
        self.patience = patience
        self.clock = clock
    }

    /// Returns once a pooled connection answered with the expected timeout; throws a one-line reason otherwise.
    public func run() async throws(StartupCheckFailure) {
        // At least a few seconds even with no patience: one connection attempt's worth.
        let bound = max(patience, .seconds(5))
        let answer: Result<Int, any Error>? = await FirstAnswer.within(bound, on: clock, otherwise: nil) { [store] in
            do {
                var milliseconds = 0
                let rows = try await store.client.query(
                    "SELECT setting::integer FROM pg_settings WHERE name = 'statement_timeout'",
                    logger: store.logger
                )
                for try await value in rows.decode(Int.self) { milliseconds = value }
                return .success(milliseconds)
            } catch {
                return .failure(error)
            }
        }
        switch answer {
        case nil:
            throw StartupCheckFailure("no pooled connection to the database at \(destination) answered within \(bound.components.seconds) s")
        case .failure(let error)?:
            throw StartupCheckFailure("the database at \(destination) refused a pooled connection: \(PostgresErrorSummary.describe(error))")
        case .success(let actual)? where actual != statementTimeout:
            switch pooling {
            case .transaction:
                throw StartupCheckFailure(
                    "behind a transaction-mode pooler Baton cannot set statement_timeout itself: the database at \(destination) runs with "
                        + "\(actual) ms and BATON_DATABASE_STATEMENT_TIMEOUT is \(statementTimeout) ms; set it on Baton's role "
                        + "(ALTER ROLE ... SET statement_timeout = '\(statementTimeout)ms') or make the two agree"
                )
            case .direct:
                throw StartupCheckFailure(
                    "the database at \(destination) runs with statement_timeout \(actual) ms, not the \(statementTimeout) ms Baton asked for"
                        + " (a pooler dropping startup parameters? see BATON_DATABASE_POOLING)"
                )
            }
        case .success?:
            return
        }
    }
}

/// Why a start-up check of the database (its pool, its change notices) failed, in one line.
public struct StartupCheckFailure: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
