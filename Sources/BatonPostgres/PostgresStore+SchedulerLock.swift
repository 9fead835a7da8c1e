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
                let locked: Bool
                do {
                    locked = try await withinDeadline {
                        var locked = false
                        for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) {
                            locked = value
                        }
                        return locked
                    }
                } catch {
                    await dropConnection(connection)  // unanswered, the lock may have been taken all the same
                    throw error
                }
                guard locked else { return nil }
                let result: Result
                do {
                    result = try await body()
                } catch {
                    await unlock(key, on: connection)
                    throw error
                }
                await unlock(key, on: connection)
                return result
            }
        }
    }

    /// Releases the lock; should the unlock fail or go unanswered, drops the connection, which releases it for sure.
    /// A connection going back to the pool still holding the lock would keep the job from running anywhere.
    private func unlock(_ key: Int64, on connection: PostgresConnection) async {
        do {
            _ = try await withinDeadline { try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger).count() }
        } catch {
            await dropConnection(connection)
        }
    }

    /// Closes a leased connection (its session ends, and with it every advisory lock it held); the pool replaces it.
    private func dropConnection(_ connection: PostgresConnection) async {
        logger.warning("closing a database connection whose scheduler lock state is unknown")
        try? await connection.close()
    }
}
