import BatonCore
import Logging
import PostgresNIO

/// A session advisory lock held by a test, and the sessions waiting for it: a way to hold a transaction at a known
/// point with its query in flight.
enum AdvisoryLock {
    /// `body` while a connection of `client` holds the session advisory lock `key`.
    static func holding<Result: Sendable>(
        _ key: Int,
        on client: PostgresClient,
        logger: Logger,
        _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        let locked = OnceFlag()
        let release = OnceFlag()
        async let holder: Void = client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(key))", logger: logger)
            locked.set()
            try await release.wait()
            try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
        }
        try await locked.wait()
        let result: Result
        do {
            result = try await body()
        } catch {
            release.set()
            try? await holder
            throw error
        }
        release.set()
        try await holder
        return result
    }

    /// How many sessions wait for the advisory lock `key` in `client`'s database.
    static func waiters(_ key: Int, _ client: PostgresClient) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND (classid::bigint << 32 | objid::bigint) = \(key) AND NOT granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        )
        var waiters = 0
        for try await count in rows.decode(Int.self) { waiters = count }
        return waiters
    }
}
