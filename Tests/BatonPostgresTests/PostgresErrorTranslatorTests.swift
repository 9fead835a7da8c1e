import BatonCore
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import BatonPostgres

/// Which driver errors mean "the database cannot serve now" (503 unavailable) rather than a failure of its own.
@Suite("PostgreSQL errors translated")
struct PostgresErrorTranslatorTests {
    let logger = Logger(label: "translator-test")

    /// The error `sql` raises on a connection of the test database, translated.
    func translated(_ sql: String, setup: String? = nil) async throws -> (any Error)? {
        try await raised(sql, setup: setup).map { PostgresErrorTranslator.translate($0, logger: logger) }
    }

    /// The driver's error `sql` raises on a connection of the test database.
    func raised(_ sql: String, setup: String? = nil) async throws -> (any Error)? {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                if let setup { try await connection.query(PostgresQuery(unsafeSQL: setup), logger: logger) }
                do {
                    // A failure can arrive with the rows, after the query call returned: read them all.
                    for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
                    return nil
                } catch {
                    return error
                }
            }
        }
    }

    @Test("a statement cut by statement_timeout is unavailable, not a store failure")
    func statementTimeout() async throws {
        let error = try await translated("SELECT pg_sleep(1)", setup: "SET statement_timeout = 50")
        #expect(error as? BatonError == BatonError.unavailable("the database did not answer in time"))
    }

    @Test("a server that ends the session (admin shutdown, class 57) is unavailable")
    func adminShutdown() async throws {
        let error = try await translated("SELECT pg_terminate_backend(pg_backend_pid())")
        #expect((error as? BatonError)?.kind == .unavailable)
    }

    @Test("a session the server ends (FATAL) leaves its connection unusable; an error of the statement itself does not")
    func endedSessionUnusable() async throws {
        let ended = try #require(try await raised("SELECT pg_terminate_backend(pg_backend_pid())"))
        #expect(PostgresErrorTranslator.leavesConnectionUnusable(ended))
        let own = try #require(try await raised("SELECT 1 / 0"))
        #expect(!PostgresErrorTranslator.leavesConnectionUnusable(own))
    }

    @Test("an error of the statement itself stays a store failure")
    func ownError() async throws {
        let error = try await translated("SELECT 1 / 0")
        #expect(error as? BatonError == BatonError.storeFailure)
    }
}

@Suite("Change notices inside a transaction")
struct ChangeNoticeSendingTests {
    @Test("a notice PostgreSQL refuses (payload over 8000 bytes) fails the transaction loudly instead of a silent rollback")
    func refusedNoticeThrows() async throws {
        let logger = Logger(label: "notify-test")
        try await TestDatabase.withClient { client in
            await #expect(throws: (any Error).self) {
                try await client.withTransaction(logger: logger) { connection in
                    try await PostgresStore.notify(.client(TenantID(), String(repeating: "x", count: 9_000)), on: connection, logger: logger)
                }
            }
        }
    }
}
