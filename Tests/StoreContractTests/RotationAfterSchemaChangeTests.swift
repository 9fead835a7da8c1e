import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// The rotation is a prepared statement cached on each connection; a migration that changes a returned column's
/// type while instances run must not break refreshes on connections that prepared it before.
@Suite("Rotation after a schema change")
struct RotationAfterSchemaChangeTests {
    @Test("a connection that prepared the rotation before a column changed type still rotates (single and in batches)", arguments: [0, 1])
    func rotationSurvivesColumnTypeChange(rotationBatches: Int) async throws {
        try await TestDatabase.withFreshDatabase { url in
            var configuration = try DatabaseURL.configuration(from: url)
            // One connection, so the second rotation runs where the first one prepared the statement.
            configuration.options.minimumConnections = 1
            configuration.options.maximumConnections = 1
            let client = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                try await Migrator(client: client, migrations: try Migration.bundled(), logger: Logger(label: "test")).migrate()
                let store = PostgresStore(client: client, logger: Logger(label: "test"), rotationBatches: rotationBatches)
                let contract = StoreContractTests()
                let now = contract.now
                let tenant = try await contract.insertTenant(into: store)
                let user = try await contract.insertAppAndUser(in: tenant, into: store)
                let hashes = (0..<3).map { SecretDigest.sha256("secret \($0)") }
                let session = contract.session(of: user, hash: hashes[0])
                try await store.createSession(session)
                func rotate(from generation: Int) async throws -> Session? {
                    try await store.rotate(
                        RotationRequest(
                            tenantID: tenant.id,
                            sessionID: session.id,
                            clientID: "app",
                            presentedGeneration: generation,
                            presentedHash: hashes[generation],
                            successorHash: hashes[generation + 1],
                            now: now.addingTimeInterval(1),
                            idleExpiresAt: now.addingTimeInterval(601)
                        )
                    )
                }
                #expect(try await rotate(from: 0)?.generation == 1)
                try await client.query("ALTER TABLE sessions ALTER COLUMN revoke_reason TYPE varchar(200)")
                let rotated = try await rotate(from: 1)
                #expect(rotated?.generation == 2)
                #expect(rotated?.currentHash == hashes[2])
            }
        }
    }
}
