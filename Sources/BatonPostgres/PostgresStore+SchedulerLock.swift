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

    /// A session-level advisory lock on one leased connection, released when `body` ends. The pass counts as one
    /// operation for admission (it holds a connection throughout) and takes as long as it needs; only the lock and
    /// unlock statements are bounded by the deadline.
    public func withSchedulerLock<Result: Sendable>(_ job: ScheduledJob, _ body: @Sendable () async throws -> Result) async throws -> Result? {
        let key = Self.schedulerLockKey(job)
        return try await admitted {
            try await client.withConnection { connection in
                let locked = try await withinDeadline {
                    var locked = false
                    for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) {
                        locked = value
                    }
                    return locked
                }
                guard locked else { return nil }
                let result: Result
                do {
                    result = try await body()
                } catch {
                    _ = try? await withinDeadline { try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger).count() }
                    throw error
                }
                _ = try await withinDeadline { try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger).count() }
                return result
            }
        }
    }
}
