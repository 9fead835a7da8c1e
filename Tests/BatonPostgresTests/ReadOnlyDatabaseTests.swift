import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// A database that turns read-only under Baton (a demoted primary, a replica behind a stale route): writes answer 503
/// at once, readiness fails, and the connections that met it are replaced, so once the address leads to a writable
/// server again the same store writes, without a restart.
@Suite("A read-only database")
struct ReadOnlyDatabaseTests {
    @Test("writes answer 503 and readiness fails; once writable again, the same store writes")
    func readOnlyThenWritable() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let name = try TestDatabase.name(of: url)
            try await TestDatabase.withClient(url: try TestDatabase.url()) { admin in
                try await TestDatabase.withClient(url: url) { _ in }  // migrated while writable
                // Sessions opened from now on are read-only, as on a replica.
                try await admin.query("ALTER DATABASE \(unescaped: String(name)) SET default_transaction_read_only = on")
                let client = PostgresClient(configuration: try DatabaseURL.configuration(from: url), backgroundLogger: Logger(label: "ro"))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await client.run() }
                    defer { group.cancelAll() }
                    let store = PostgresStore(client: client, logger: Logger(label: "ro"))
                    let factory = SigningKeyFactory(sealer: SecretSealer(current: .generate()))
                    func newTenant() async throws -> (Tenant, [SigningKey], ChainKey) {
                        let id = TenantID()
                        let now = Date()
                        let slug = try TenantSlug("ro-\(UUID().uuidString.prefix(8).lowercased())")
                        let tenant = Tenant(id: id, slug: slug, displayName: "ro", settings: .default, createdAt: now, updatedAt: now)
                        let key = try await factory.makeSigningKey(tenantID: id, algorithm: .es256, state: .active, now: now)
                        return (tenant, [key], try factory.makeChainKey(tenantID: id, id: 1, now: now))
                    }
                    let (tenant, keys, chainKey) = try await newTenant()
                    await #expect(throws: BatonError.unavailable("the database is unavailable")) {
                        try await store.createTenant(tenant, signingKeys: keys, chainKey: chainKey)
                    }
                    await #expect(throws: BatonError.unavailable("the database is read-only")) { try await store.checkReachable() }
                    #expect(try await store.tenant(slug: tenant.slug) == nil)

                    // The address leads to a writable server again: new sessions are.
                    try await admin.query("ALTER DATABASE \(unescaped: String(name)) RESET default_transaction_read_only")
                    try await store.checkReachable()
                    try await store.createTenant(tenant, signingKeys: keys, chainKey: chainKey)
                    #expect(try await store.tenant(slug: tenant.slug)?.id == tenant.id)
                }
            }
        }
    }
}
