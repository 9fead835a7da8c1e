import BatonCore
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import BatonPostgres

@Suite("Migrator against PostgreSQL", .hangGuard)
struct MigratorTests {
    let logger = Logger(label: "migrator-test")

    /// `statementTimeout`: milliseconds, given to every connection as `serve` does.
    func withFreshClient<Result: Sendable>(
        statementTimeout: Int? = nil,
        _ body: @Sendable @escaping (PostgresClient) async throws -> Result
    ) async throws -> Result {
        try await withFreshClient(statementTimeout: statementTimeout) { client, _ in try await body(client) }
    }

    /// `withFreshClient`, with the fresh database's URL for clients of the test's own.
    func withFreshClient<Result: Sendable>(
        statementTimeout: Int? = nil,
        _ body: @Sendable @escaping (PostgresClient, _ url: String) async throws -> Result
    ) async throws -> Result {
        try await TestDatabase.withFreshDatabase { url in
            var configuration = try DatabaseURL.configuration(from: url)
            if let statementTimeout { configuration.options.additionalStartupParameters.append(("statement_timeout", "\(statementTimeout)")) }
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                defer { group.cancelAll() }
                return try await body(client, url)
            }
        }
    }

    @Test("with nothing pending, migrate takes no lock: it returns while another migrator holds it")
    func currentSchemaTakesNoLock() async throws {
        try await withFreshClient { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            #expect(try await migrator.migrate() == Migration.bundled().map(\.version))
            let returned = OnceFlag()
            let migrating = try await AdvisoryLock.holding(Int(Migrator.advisoryLockKey), on: client, logger: logger) {
                let migrating = Task {
                    defer { returned.set() }
                    return try await migrator.migrate()
                }
                // Were the lock taken, migrate would wait for the release, which comes only after this wait (or its
                // limit, which fails the test).
                await #expect(throws: Never.self) {
                    try await waitUntil("migrate returns while another migrator holds the lock") { returned.isSet }
                }
                return migrating
            }
            #expect(try await migrating.value == [])
        }
    }

    @Test("a migrate whose connection the pool closes while it waits for the migrators' lock ends, and applies nothing")
    func connectionClosedWhileWaiting() async throws {
        try await withFreshClient { client, url in
            let key = Int(Migrator.advisoryLockKey)
            try await AdvisoryLock.holding(key, on: client, logger: logger) {
                let pool = PostgresClient(configuration: try DatabaseURL.configuration(from: url), backgroundLogger: logger)
                let running = Task { await pool.run() }
                let ended = OnceFlag()
                let migrating = Task {
                    defer { ended.set() }
                    return try await Migrator(client: pool, migrations: try Migration.bundled(), logger: logger).migrate()
                }
                try await waitUntil("migrate waits for the lock") { try await AdvisoryLock.waiters(key, client) > 0 }
                running.cancel()
                // A ROLLBACK written to the closed connection would never be answered, and migrate would wait for ever.
                try await waitUntil("the migrate ends") { ended.isSet }
                await #expect(throws: (any Error).self) { try await migrating.value }
                await running.value
            }
            let everything = try Migration.bundled().map(\.version)
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            await #expect(throws: MigrationError.behind(pending: everything)) { try await migrator.verifyCurrent() }
        }
    }

    @Test("migrations are not cut by the service's statement timeout: waiting 4 s for another migrator under a 2 s timeout succeeds")
    func statementTimeoutExempt() async throws {
        try await withFreshClient(statementTimeout: 2000) { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            // Another session holds the migrators' advisory lock, as a concurrent `baton migrate` would.
            let locked = OnceFlag()
            let release = OnceFlag()
            async let holder: Void = client.withConnection { connection in
                try await connection.query("SET statement_timeout = 0", logger: logger)
                try await connection.query("SELECT pg_advisory_lock(\(Migrator.advisoryLockKey))", logger: logger)
                locked.set()
                try await release.wait()
                try await connection.query("SELECT pg_advisory_unlock(\(Migrator.advisoryLockKey))", logger: logger)
                try await connection.query("RESET statement_timeout", logger: logger)
            }
            try await locked.wait()
            async let migrated = migrator.migrate()
            // The statement timeout runs on the server's clock, so the server says when the migrator's wait for the lock
            // has outlasted it (twice over: had it applied, the server would have cut the wait at 2 s). The migrator's
            // other statements (its pending check, BEGIN, SET LOCAL) run under the timeout too, so the timeout is one
            // that a loaded machine's trivial statements never reach: at 100 ms, one of them was cut once in a full run.
            try await waitUntil("the migrator has waited for the lock past the statement timeout") {
                let rows = try await client.query(
                    """
                    SELECT count(*)::integer FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND now() - query_start > interval '4 seconds'
                    """
                )
                return try await rows.collect().first?.decode(Int.self) ?? 0 > 0
            }
            release.set()
            #expect(try await migrated.count == Migration.bundled().count)
            try await holder
            // Statements after the migration are cut at 2 s again.
            let cut = try await client.withConnection { connection in
                do {
                    for try await _ in try await connection.query("SELECT pg_sleep(6)", logger: logger) {}
                    return false
                } catch { return true }
            }
            #expect(cut)
        }
    }

    @Test("a fresh database is behind; migrate applies everything once, then is current")
    func applyOnce() async throws {
        try await withFreshClient { client in
            let migrations = try Migration.bundled()
            let migrator = Migrator(client: client, migrations: migrations, logger: logger)
            await #expect(throws: MigrationError.behind(pending: migrations.map(\.version))) { try await migrator.verifyCurrent() }
            #expect(try await migrator.migrate() == migrations.map(\.version))
            #expect(try await migrator.migrate() == [])
            try await migrator.verifyCurrent()
            let rows = try await client.query("SELECT count(*) FROM schema_migrations")
            for try await count in rows.decode(Int.self) { #expect(count == migrations.count) }
        }
    }

    @Test("concurrent migrations serialize on the advisory lock: each migration applied exactly once")
    func concurrent() async throws {
        try await withFreshClient { client in
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await migrator.migrate() } }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(results.flatMap { $0 }.sorted() == (try Migration.bundled()).map(\.version))
        }
    }

    @Test("an applied migration whose file was edited stops migrate and the schema check")
    func edited() async throws {
        try await withFreshClient { client in
            let original = try Migration.bundled()
            try await Migrator(client: client, migrations: original, logger: logger).migrate()
            var edited = original
            edited[0] = Migration(version: original[0].version, name: original[0].name, sql: original[0].sql + "\n-- edited\n")
            let migrator = Migrator(client: client, migrations: edited, logger: logger)
            await #expect(throws: MigrationError.edited(version: original[0].version, name: original[0].name)) { try await migrator.migrate() }
            await #expect(throws: MigrationError.edited(version: original[0].version, name: original[0].name)) { try await migrator.verifyCurrent() }
        }
    }

    @Test("a database with a migration this build does not know is refused")
    func unknownApplied() async throws {
        try await withFreshClient { client in
            let original = try Migration.bundled()
            let newer = original + [Migration(version: original.count + 1, name: "future", sql: "CREATE TABLE future_table (id int PRIMARY KEY)")]
            try await Migrator(client: client, migrations: newer, logger: logger).migrate()
            await #expect(throws: MigrationError.unknownApplied(version: original.count + 1)) {
                try await Migrator(client: client, migrations: original, logger: logger).verifyCurrent()
            }
        }
    }

    @Test("a migration whose connection the server ends mid-migration fails naming it, applies nothing, and does not hang")
    func connectionEndedMidMigration() async throws {
        try await withFreshClient { client in
            let ended = [
                Migration(version: 1, name: "ended", sql: "CREATE TABLE half_done (id int);\nSELECT pg_terminate_backend(pg_backend_pid());")
            ]
            // The server ends the session either under the SELECT (a FATAL error) or just after it, when the migrator
            // has written its next statement to the closing connection: PostgresNIO 1.33 never answers that one, and
            // migrate would wait for ever without `queryUntilClosed`.
            let returned = OnceFlag()
            let migrating = Task {
                defer { returned.set() }
                return try await Migrator(client: client, migrations: ended, logger: logger).migrate()
            }
            try await waitUntil("migrate returns after its connection ended") { returned.isSet }
            let error = await #expect(throws: MigrationError.self) { try await migrating.value }
            guard case .failed(let version, let name, _) = error else {
                Issue.record("not a failed migration: \(String(describing: error))")
                return
            }
            #expect(version == 1 && name == "ended")
            let rows = try await client.query("SELECT to_regclass('half_done') IS NULL, (SELECT count(*) FROM schema_migrations)")
            for try await (tableAbsent, recorded) in rows.decode((Bool, Int).self) {
                #expect(tableAbsent)
                #expect(recorded == 0)
            }
        }
    }

    @Test("a failing migration rolls back whole, is not recorded, and is reported by number, name and PostgreSQL's reason")
    func failingMigration() async throws {
        try await withFreshClient { client in
            let broken = [Migration(version: 1, name: "broken", sql: "CREATE TABLE half_done (id int);\nCREATE TABLE half_done (id int);")]
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator(client: client, migrations: broken, logger: logger).migrate()
            }
            // One line an operator can act on, not the driver's dump of the whole file.
            #expect(error == .failed(version: 1, name: "broken", reason: #"relation "half_done" already exists (SQLSTATE 42P07)"#))
            #expect(error?.description.contains("CREATE TABLE") == false)
            let rows = try await client.query("SELECT to_regclass('half_done') IS NULL, (SELECT count(*) FROM schema_migrations)")
            for try await (tableAbsent, recorded) in rows.decode((Bool, Int).self) {
                #expect(tableAbsent)
                #expect(recorded == 0)
            }
        }
    }
}
