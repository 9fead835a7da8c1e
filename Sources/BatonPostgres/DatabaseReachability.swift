import BatonCore
import Logging
import PostgresNIO

/// Start-up's first question to the database, asked over a connection of its own. Through the pool, a database
/// that refuses connections leaves the first query waiting while PostgresNIO retries for about a minute, and then
/// says only that it gave up: `baton serve` hung without a word and `baton migrate` failed without a cause. This
/// waits only while waiting can help (the server is down, starting up, or full) and names the cause either way.
public struct DatabaseReachability: Sendable {
    let configuration: PostgresConnection.Configuration
    /// Where the database is, for messages: host and port or socket, and database; never credentials.
    public let destination: String
    let patience: Duration
    /// How long one attempt (connect, authenticate, `SELECT 1`) may take.
    let attemptTimeout: Duration
    /// What the patience, the pause between attempts and each attempt's bound are measured on.
    let clock: AnyClock
    let logger: Logger

    /// `startupParameters`: the pool's own (see `BatonApplication`), so that a server or pooler refusing one of
    /// them refuses this check too, instead of every pool connection after it.
    public init(
        url: String,
        startupParameters: [(String, String)] = [],
        patience: Duration,
        attemptTimeout: Duration = .seconds(5),
        clock: AnyClock = .continuous,
        logger: Logger
    ) throws {
        var (configuration, destination) = try DatabaseURL.connectionConfiguration(from: url)
        configuration.options.connectTimeout = .init(attemptTimeout)
        configuration.options.additionalStartupParameters = startupParameters
        self.configuration = configuration
        self.destination = destination
        self.patience = patience
        self.attemptTimeout = attemptTimeout
        self.clock = clock
        self.logger = logger
    }

    /// Returns once the database answers `SELECT 1`. Retries every second for up to `patience` while the cause is
    /// one that passes (no connection, the server starting up or out of connections); throws `DatabaseUnreachable`
    /// at once for one that does not (authentication, an unknown database), and with the last cause at the end.
    public func waitUntilAnswering() async throws(DatabaseUnreachable) {
        let start = clock.now
        var logged = false
        while true {
            let failure: DatabaseUnreachable.Cause
            switch await attempt() {
            case nil: return
            case let cause?: failure = cause
            }
            let waited = start.duration(to: clock.now)
            guard failure.mayPass, waited < patience else {
                throw DatabaseUnreachable(destination: destination, cause: failure, waited: failure.mayPass ? waited : nil)
            }
            if !logged {
                logger.warning(
                    "waiting for the database",
                    metadata: ["database": "\(destination)", "cause": "\(failure.message)", "patience": "\(patience)"]
                )
                logged = true
            }
            do {
                try await clock.sleep(for: min(.seconds(1), patience - waited))
            } catch {
                // Cancelled (a signal during start-up): stop waiting, with the cause so far.
                throw DatabaseUnreachable(destination: destination, cause: failure, waited: start.duration(to: clock.now))
            }
        }
    }

    /// One connection and `SELECT 1`, bounded by `attemptTimeout` even if the server accepts and then never
    /// answers; nil when it answered.
    private func attempt() async -> DatabaseUnreachable.Cause? {
        await FirstAnswer.within(attemptTimeout, on: clock, otherwise: .noAnswer(attemptTimeout)) { [configuration, logger] in
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                defer { Task { try? await connection.close() } }
                _ = try await connection.query("SELECT 1", logger: logger).collect()
                return nil
            } catch {
                return DatabaseUnreachable.Cause(error)
            }
        }
    }
}

/// The database could not be reached at start-up: where, why, and for how long Baton waited.
public struct DatabaseUnreachable: Error, CustomStringConvertible {
    public let destination: String
    public let cause: Cause
    /// How long Baton retried; nil when the cause was one that waiting cannot fix.
    public let waited: Duration?

    public var description: String {
        let waiting = waited.map { " after waiting \($0.components.seconds) s" } ?? ""
        // PgBouncer's answer to the statement timeout Baton sends at connection start-up.
        let hint =
            cause.message.contains("unsupported startup parameter")
            ? " (behind PgBouncer in transaction mode, set BATON_DATABASE_POOLING=transaction; see deploy/README.md)" : ""
        return "cannot reach the database at \(destination)\(waiting): \(cause.message)\(hint)"
    }

    /// Why one attempt failed.
    public enum Cause: Sendable {
        /// No connection (refused, unknown host, network): the server may be on its way. Each case carries
        /// `PostgresErrorSummary`'s line.
        case noConnection(String)
        /// The server refused the session for now (starting up, shutting down, too many connections).
        case notNow(String)
        /// The server refused the session for good (wrong password, unknown role or database, ...).
        case refused(String)
        /// Connected (or not) but no answer within the attempt's time.
        case noAnswer(Duration)

        init(_ error: any Error) {
            let summary = PostgresErrorSummary.describe(error)
            guard let state = (error as? PSQLError)?.serverInfo?[.sqlState] else {
                self = .noConnection(summary)
                return
            }
            let passing = [PostgresErrorTranslator.cannotConnectNow, PostgresErrorTranslator.tooManyConnections]
            self = passing.contains(state) ? .notNow(summary) : .refused(summary)
        }

        var mayPass: Bool {
            switch self {
            case .noConnection, .notNow, .noAnswer: true
            case .refused: false
            }
        }

        var message: String {
            switch self {
            case .noConnection(let reason), .notNow(let reason), .refused(let reason): reason
            case .noAnswer(let timeout): "no answer within \(Int(timeout.components.seconds)) s"
            }
        }
    }
}
