import BatonCore
import Logging
import PostgresNIO

/// Writes the `RotationBatcher`'s batches to PostgreSQL: its `execute`.
struct RotationBatchWriter: Sendable {
    let leases: ConnectionLeases
    let pooling: DatabasePooling
    let logger: Logger
    /// When given, a batch is refused while `DatabaseProbe` finds the database silent.
    let availability: DatabaseAvailability?

    init(leases: ConnectionLeases, pooling: DatabasePooling, logger: Logger, availability: DatabaseAvailability? = nil) {
        self.leases = leases
        self.pooling = pooling
        self.logger = logger
        self.availability = availability
    }

    /// One batch of rotations (see `BatchRotationStatement`), results in request order, once committed. Sorted by
    /// primary key, so concurrent batches take their row locks in one order; should PostgreSQL still pick this one
    /// as a deadlock victim (against a statement locking a user's sessions in another order), it was rolled back
    /// whole and runs once more.
    func rotate(_ requests: [RotationRequest]) async throws -> [Session?] {
        // Callers queued while the probe found the database silent: answered now, not at their deadline.
        try availability?.requireAnswering()
        let keys = requests.map(RotationKey.init)
        let order = requests.indices.sorted { keys[$0] < keys[$1] }
        let sorted = order.map { requests[$0] }
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try await leases.leased { connection in
                    var results = [Session?](repeating: nil, count: requests.count)
                    for row in try await connection.rows(of: BatchRotationStatement(requests: sorted), pooling: pooling, logger: logger) {
                        guard sorted.indices.contains(row.0 - 1) else { continue }
                        let index = order[row.0 - 1]
                        results[index] = BatchRotationStatement.rotated(row, tenantID: requests[index].tenantID).session
                    }
                    if results.contains(where: { $0 != nil }) {
                        try await PostgresStore.confirmCommitted(on: connection, pooling: pooling, logger: logger)
                    }
                    return results
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresErrorTranslator.deadlockDetected && attempts < 2 {
                logger.notice("rotation batch chosen as a deadlock victim; running it again", metadata: ["rotations": "\(requests.count)"])
            }
        }
    }
}
