import BatonCore
import PostgresNIO

extension PostgresStore {
    /// Arbitrary but fixed advisory-lock keys, one per job; the key scheduler's is the one it always had.
    static func schedulerLockKey(_ job: ScheduledJob) -> Int64 {
        switch job {
        case .keyRotation: 0x6261_746f_6e53_6368  // "batonSch"
        case .purge: 0x6261_746f_6e50_7267  // "batonPrg"
        }
    }

    /// A session-level advisory lock on one leased connection, released when `body` ends.
    public func withSchedulerLock<Result: Sendable>(_ job: ScheduledJob, _ body: @Sendable () async throws -> Result) async throws -> Result? {
        let key = Self.schedulerLockKey(job)
        return try await translatingErrors {
            try await client.withConnection { connection in
                let rows = try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
                var locked = false
                for try await value in rows.decode(Bool.self) { locked = value }
                guard locked else { return nil }
                let result: Result
                do {
                    result = try await body()
                } catch {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                    throw error
                }
                try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                return result
            }
        }
    }
}
