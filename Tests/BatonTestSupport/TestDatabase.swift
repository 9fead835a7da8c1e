import BatonCore
import BatonPostgres
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL server `scripts/test` starts; its URL arrives in `BATON_TEST_DATABASE_URL`.
public enum TestDatabase {
    public static let environmentVariable = "BATON_TEST_DATABASE_URL"

    /// The database URL, or an error saying how to get one: Postgres tests never silently pass without a server.
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[environmentVariable], !url.isEmpty else {
            throw MissingDatabase()
        }
        return url
    }

    /// PgBouncer in transaction mode in front of the same server (`scripts/test` starts it), as role `baton_pooled`,
    /// whose `statement_timeout` is set on the role since the pooler refuses it at connection start-up.
    public static let poolerVariable = "BATON_TEST_PGBOUNCER_URL"

    /// The pooler's URL for the database `directURL` names (the test database when nil).
    public static func pooledURL(for directURL: String? = nil) throws -> String {
        guard let pooler = ProcessInfo.processInfo.environment[poolerVariable], !pooler.isEmpty else {
            throw MissingDatabase(variable: poolerVariable)
        }
        guard let directURL else { return pooler }
        guard var components = URLComponents(string: pooler), let database = URLComponents(string: directURL)?.path else { throw MissingDatabase() }
        components.path = database
        return components.string ?? pooler
    }

    /// Runs `body` with a running, migrated client on the test database; the client stops afterwards.
    @discardableResult
    public static func withClient<Result: Sendable>(
        url: String? = nil,
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let logger = Logger(label: "test-database")
        let client = PostgresClient(configuration: try DatabaseURL.configuration(from: url ?? Self.url()), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            try await Migrator(client: client, migrations: try Migration.bundled(), logger: logger).migrate()
            return try await body(client)
        }
    }

    /// Runs `body` against a `PostgresStore` on the test database.
    /// Runs `body` against a `PostgresStore` on the test database: directly, or through PgBouncer in transaction
    /// mode with `pooling: .transaction`.
    public static func withStore<Result: Sendable>(
        rotationBatches: Int = 0,
        pooling: DatabasePooling = .direct,
        _ body: @Sendable (PostgresStore) async throws -> Result
    ) async throws -> Result {
        try await withClient(url: pooling == .transaction ? pooledURL() : url()) { client in
            try await body(PostgresStore(client: client, logger: Logger(label: "test-store"), rotationBatches: rotationBatches, pooling: pooling))
        }
    }

    /// The database a `postgres://` URL names (a fresh database's, for statements about it on another connection).
    public static func name(of url: String) throws -> String {
        guard let path = URLComponents(string: url)?.path, path.count > 1 else { throw URLError(.badURL) }
        return String(path.dropFirst())
    }

    /// A database of its own for tests that need an empty schema (migrations); dropped afterwards.
    public static func withFreshDatabase<Result: Sendable>(_ body: @Sendable (_ url: String) async throws -> Result) async throws -> Result {
        let base = try url()
        guard var components = URLComponents(string: base) else { throw MissingDatabase() }
        let name = "baton_fresh_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = PostgresClient(configuration: try DatabaseURL.configuration(from: base), backgroundLogger: Logger(label: "test-admin"))
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await admin.run()
                return nil
            }
            defer { group.cancelAll() }
            try await admin.query("CREATE DATABASE \(unescaped: name)")
            components.path = "/\(name)"
            do {
                let result = try await body(components.string ?? base)
                try await admin.query("DROP DATABASE \(unescaped: name) WITH (FORCE)")
                return result
            } catch {
                _ = try? await admin.query("DROP DATABASE \(unescaped: name) WITH (FORCE)")
                throw error
            }
        }
    }

    /// Runs `body` against a `PostgresStore` on a fresh, migrated database of its own (for work that sweeps every
    /// tenant or takes database-wide locks), with that database's URL for second instances.
    public static func withFreshStore<Result: Sendable>(
        rotationBatches: Int = 0,
        pooling: DatabasePooling = .direct,
        _ body: @Sendable (PostgresStore, _ url: String) async throws -> Result
    ) async throws -> Result {
        try await withFreshDatabase { directURL in
            let url = pooling == .transaction ? try pooledURL(for: directURL) : directURL
            return try await withClient(url: url) { client in
                try await body(
                    PostgresStore(client: client, logger: Logger(label: "test-store"), rotationBatches: rotationBatches, pooling: pooling),
                    url
                )
            }
        }
    }

    public struct MissingDatabase: Error, CustomStringConvertible {
        var variable = TestDatabase.environmentVariable
        public var description: String { "\(variable) is not set: run the tests with scripts/test, which starts PostgreSQL and PgBouncer" }
    }
}
