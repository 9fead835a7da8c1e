import BatonCore
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import BatonPostgres

/// A transaction whose connection closes under it (the pool shutting down, as on a signal, closes even a leased one)
/// must end without writing to that connection again: PostgresNIO 1.33 never answers a query written to a closed
/// connection. Work with no deadline (the migrator) races its queries against the close instead.
@Suite("A transaction on a closed connection", .hangGuard)
struct CancelledTransactionTests {
    let logger = Logger(label: "cancelled-transaction-test")

    @Test("a transaction whose connection the pool closes while its query waits ends, and nothing of it is committed")
    func connectionClosedInFlight() async throws {
        try await TestDatabase.withClient { client in
            let table = "closed_transaction_\(UUID().uuidString.prefix(8).lowercased())"
            // Small enough to be pg_locks' objid as it is.
            let lockKey = Int.random(in: 1_000_000...2_000_000_000)
            try await client.query("CREATE TABLE \(unescaped: table) (n int)")
            try await AdvisoryLock.holding(lockKey, on: client, logger: logger) {
                let pool = PostgresClient(configuration: try DatabaseURL.configuration(from: TestDatabase.url()), backgroundLogger: logger)
                let running = Task { await pool.run() }
                let ended = OnceFlag()
                let work = Task {
                    defer { ended.set() }
                    try await ConnectionLeases(pool).transaction(logger: logger) { connection in
                        try await connection.query("INSERT INTO \(unescaped: table) VALUES (1)", logger: logger)
                        _ = try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger).count()
                    }
                }
                try await waitUntil("the transaction waits for the lock") { try await AdvisoryLock.waiters(lockKey, client) > 0 }
                running.cancel()
                // PostgresNIO's `withTransaction` would write its ROLLBACK to the closed connection and wait for ever.
                try await waitUntil("the transaction ends") { ended.isSet }
                await #expect(throws: (any Error).self) { try await work.value }
                await running.value
            }
            let rows = try await client.query("SELECT count(*)::int FROM \(unescaped: table)")
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
            try await client.query("DROP TABLE \(unescaped: table)")
        }
    }

    @Test("a query written after the server ended its connection is answered with that end, not lost")
    func queryAfterEnd() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                let pid = try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(Int32.self)
                try await client.query("SELECT pg_terminate_backend(\(try #require(pid)))")
                try? await connection.closeFuture.get()
                let answered = OnceFlag()
                let querying = Task {
                    defer { answered.set() }
                    try await connection.queryUntilClosed("SELECT 1", logger: logger)
                }
                // With `query` alone, never: the driver has handled the close, and drops what is written after it.
                try await waitUntil("the query is answered") { answered.isSet }
                await #expect(throws: BatonError.databaseConnectionEnded) { try await querying.value }
            }
        }
    }

    @Test("a transaction with no deadline whose connection the server ends before its COMMIT fails with that end")
    func commitAfterEnd() async throws {
        try await TestDatabase.withClient { client in
            let ended = OnceFlag()
            let work = Task {
                defer { ended.set() }
                try await ConnectionLeases(client).transaction(logger: logger, untilClosed: true) { connection in
                    let pid = try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(Int32.self)
                    try await client.query("SELECT pg_terminate_backend(\(try #require(pid)))")
                    try? await connection.closeFuture.get()
                }
            }
            // Without `untilClosed`, the COMMIT written to the ended connection would never be answered.
            try await waitUntil("the transaction ends") { ended.isSet }
            await #expect(throws: BatonError.databaseConnectionEnded) { try await work.value }
        }
    }

    @Test("a transaction whose body fails is rolled back, and its connection serves the next one")
    func failedBodyRollsBack() async throws {
        try await TestDatabase.withClient { client in
            let leases = ConnectionLeases(client)
            let table = "failed_transaction_\(UUID().uuidString.prefix(8).lowercased())"
            try await client.query("CREATE TABLE \(unescaped: table) (n int)")
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await leases.transaction(logger: logger) { connection in
                    try await connection.query("INSERT INTO \(unescaped: table) VALUES (1)", logger: logger)
                    throw Refused()
                }
            }
            try await leases.transaction(logger: logger) { connection in
                _ = try await connection.query("INSERT INTO \(unescaped: table) VALUES (2)", logger: logger)
            }
            let rows = try await client.query("SELECT coalesce(array_agg(n), '{}') FROM \(unescaped: table)")
            for try await values in rows.decode([Int].self) { #expect(values == [2]) }
            try await client.query("DROP TABLE \(unescaped: table)")
        }
    }
}
