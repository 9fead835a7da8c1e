import BatonCore
import Foundation
import Logging
import PostgresNIO
import Tracing

/// The production store: every query goes through `PostgresClient`, is parameterised, and filters by tenant.
public struct PostgresStore: BatonStore {
    let client: PostgresClient
    /// Leases for writes and readiness, which never hand out a connection of no use.
    let leases: ConnectionLeases
    let logger: Logger
    /// When given, queries fail fast while `DatabaseProbe` finds the database silent.
    let availability: DatabaseAvailability?
    /// When given, operations past its limit fail fast instead of queueing for a connection.
    let admission: DatabaseAdmission?
    /// When given, every operation answers within its timeout, even one the driver lost.
    let deadline: DatabaseDeadline?
    /// When given, rotations go to PostgreSQL in batches (see `RotationBatcher`).
    let rotationBatcher: RotationBatcher?
    /// Straight to PostgreSQL, or through a transaction-mode pooler: what may outlive a transaction.
    let pooling: DatabasePooling
    /// Who holds the scheduler leases this store takes: one instance, whose passes of a job run one after another.
    public let schedulerHolder = UUID()

    /// `rotationBatches`: 0 rotates each refresh on its own; more sends rotations in batches, at most that many
    /// at the database at once (see `RotationBatcher`).
    public init(
        client: PostgresClient,
        logger: Logger,
        availability: DatabaseAvailability? = nil,
        admission: DatabaseAdmission? = nil,
        deadline: DatabaseDeadline? = nil,
        rotationBatches: Int = 0,
        pooling: DatabasePooling = .direct
    ) {
        self.client = client
        self.leases = ConnectionLeases(client)
        self.pooling = pooling
        self.logger = logger
        self.availability = availability
        self.admission = admission
        self.deadline = deadline
        guard rotationBatches > 0 else {
            rotationBatcher = nil
            return
        }
        rotationBatcher = RotationBatcher(
            maxRunning: rotationBatches,
            maxBatch: RotationBatcher.defaultMaxBatch,
            deadline: deadline,
            execute: RotationBatchWriter(leases: leases, pooling: pooling, logger: logger, availability: availability).rotate
        )
    }

    /// Readiness: the database answers and takes writes. A read-only server (a demoted primary, a replica behind a
    /// stale route) is not ready; meeting one makes every connection opened so far suspect (see `ConnectionLeases`),
    /// so the verdict is then asked again of a connection opened after it, which says where the address leads now.
    public func checkReachable() async throws {
        try await translatingErrors { [leases, logger] in
            for attempt in 1...2 {
                let readOnly = try await leases.leased { connection in
                    var readOnly = false
                    let rows = try await connection.query("SELECT current_setting('transaction_read_only') = 'on'", logger: logger)
                    for try await value in rows.decode(Bool.self) { readOnly = value }
                    if readOnly {
                        leases.suspectAllSoFar()
                        await connection.closeCompletely()
                    }
                    return readOnly
                }
                if !readOnly { return }
                if attempt == 2 { throw BatonError.unavailable("the database is read-only") }
            }
        }
    }

    /// Announces `notice` to every instance; delivered when the surrounding transaction commits. The answer is read:
    /// a query returns before its rows, and an error left unread would abort the transaction without a word.
    static func notify(_ notice: ChangeNotice, on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.query("SELECT pg_notify(\(ChangeNotice.channel), \(notice.payload))", logger: logger).count()
    }

    /// A store operation: `body` runs within the deadline, behind the availability and admission checks, and its
    /// driver errors become domain errors (no `PSQLError` leaves the store). `operation` names it in the log should
    /// the deadline abandon it.
    @discardableResult
    func translatingErrors<Result: Sendable>(
        operation: StaticString = #function,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await admitted(operation) {
            guard let deadline else { return try await body() }
            return try await deadline.enforce(operation: operation, body)
        }
    }

    /// `body` as the store operation `operation`, but as long as it takes: in a client span named for it
    /// (`db <operation>`, a child of the request's span), behind the availability and admission checks, its driver
    /// errors translated.
    func admitted<Result: Sendable>(_ operation: StaticString, _ body: () async throws -> Result) async throws -> Result {
        try await withSpan("db \(operation)", ofKind: .client) { span in
            span.attributes["db.system"] = "postgresql"
            try availability?.requireAnswering()
            if let admission {
                guard admission.enter() else { throw BatonError.unavailable("too many requests are waiting for the database") }
            }
            defer { admission?.leave() }
            do {
                return try await body()
            } catch {
                throw PostgresErrorTranslator.translate(error, logger: logger)
            }
        }
    }
}
