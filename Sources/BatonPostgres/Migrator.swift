import Logging
import PostgresNIO

/// Applies `sql/` migrations in order, each in its own transaction under an advisory lock, so concurrent runs are
/// safe; with none pending, it takes no lock.
public struct Migrator: Sendable {
    /// Arbitrary but fixed: the advisory lock every Baton instance takes to migrate.
    static let advisoryLockKey: Int64 = 0x6261_746f_6e4d_6967  // "batonMig"

    let leases: ConnectionLeases
    let migrations: [Migration]
    let logger: Logger

    public init(client: PostgresClient, migrations: [Migration], logger: Logger) {
        self.leases = ConnectionLeases(client)
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies every pending migration; returns the versions applied by this call.
    @discardableResult
    public func migrate() async throws -> [Int] {
        // A current schema (every instance of a fleet starting after the first) takes no lock: behind a pooler each
        // migrator waiting for it holds a server connection, and enough of them starve the pool's other clients.
        if try await leases.leased({ try await pendingMigrations(on: $0) }).isEmpty { return [] }
        try await createLedger()
        var applied: [Int] = []
        while let version = try await applyNext() { applied.append(version) }
        return applied
    }

    /// Throws `MigrationError` unless the database has exactly the migrations of this build, unedited.
    public func verifyCurrent() async throws {
        let pending = try await leases.leased { connection in
            try await pendingMigrations(on: connection)
        }
        guard pending.isEmpty else { throw MigrationError.behind(pending: pending.map(\.version)) }
    }

    /// `schema_migrations`, made in a transaction of its own under the migrators' lock (two at once would race to
    /// create it), so it stays even if the first migration fails.
    private func createLedger() async throws {
        _ = try await locked { connection in
            try await connection.queryUntilClosed(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """,
                logger: logger
            )
        }
    }

    /// The first pending migration, applied in one transaction that holds the migrators' lock; nil when none is
    /// pending. The pending list is read under the lock, so a migration another migrator just applied is not
    /// applied again.
    private func applyNext() async throws -> Int? {
        var applying: Migration?
        let applied: Migration?
        do {
            applied = try await locked { connection in
                guard let migration = try await pendingMigrations(on: connection).first else { return nil }
                applying = migration
                for statement in SQLScript.statements(in: migration.sql) {
                    try await connection.queryUntilClosed(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.queryUntilClosed(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: logger
                )
                return migration
            }
        } catch {
            // Named here, once `locked` has ended the transaction with the driver's own error (so a connection it left
            // unusable gets no ROLLBACK): the driver's error would print the whole file; this names the migration and
            // PostgreSQL's reason.
            guard let migration = applying else { throw error }
            throw MigrationError.failed(version: migration.version, name: migration.name, reason: PostgresErrorSummary.describe(error))
        }
        if let applied {
            logger.info("migration applied", metadata: ["version": "\(applied.version)", "name": "\(applied.name)"])
        }
        return applied?.version
    }

    /// `body` in one transaction that takes the migrators' advisory lock first. A transaction-scoped lock ends with
    /// its transaction on whichever server connection ran it, so migrators exclude each other behind a
    /// transaction-mode pooler too; a session lock there would stay on a server connection after its client left.
    private func locked<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await leases.transaction(logger: logger, untilClosed: true) { connection in
            // Waiting for another migrator and building an index may outlast a request's statement timeout;
            // LOCAL: for this transaction only, so nothing of it stays on a pooled server connection.
            try await connection.queryUntilClosed("SET LOCAL statement_timeout = 0", logger: logger)
            // Read the answer: the wait for the lock ends with it, and so does an error (a query returns before its rows).
            _ = try await connection.queryUntilClosed("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))", logger: logger).count()
            return try await body(connection)
        }
    }

    /// The migrations not yet applied; throws if an applied one was edited or is unknown to this build.
    private func pendingMigrations(on connection: PostgresConnection) async throws -> [Migration] {
        var appliedChecksums: [Int: String] = [:]
        let exists = try await connection.queryUntilClosed("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        var tableExists = false
        for try await value in exists.decode(Bool.self) { tableExists = value }
        if tableExists {
            let rows = try await connection.queryUntilClosed("SELECT version, checksum FROM schema_migrations", logger: logger)
            for try await (version, checksum) in rows.decode((Int, String).self) { appliedChecksums[version] = checksum }
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        if let unknown = appliedChecksums.keys.sorted().first(where: { known[$0] == nil }) {
            throw MigrationError.unknownApplied(version: unknown)
        }
        for migration in migrations {
            if let checksum = appliedChecksums[migration.version], checksum != migration.checksum {
                throw MigrationError.edited(version: migration.version, name: migration.name)
            }
        }
        return migrations.filter { appliedChecksums[$0.version] == nil }
    }
}
