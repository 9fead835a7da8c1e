import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// One behaviour suite for the store protocols, run against the memory store and the real PostgreSQL store.
@Suite("Store contract")
struct StoreContractTests {
    /// `postgresBatched`: PostgreSQL with rotations sent in batches (`BATON_ROTATION_BATCHES`), which must keep
    /// every promise the single-statement rotation keeps. `pooled` and `pooledBatched`: the same through PgBouncer
    /// in transaction mode (`BATON_DATABASE_POOLING=transaction`), where no session state survives a transaction.
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, postgres, postgresBatched, pooled, pooledBatched
        var testDescription: String { rawValue }

        var isPostgres: Bool { self != .memory }
        var rotationBatches: Int { [.postgresBatched, .pooledBatched].contains(self) ? 2 : 0 }
        var pooling: DatabasePooling { [.pooled, .pooledBatched].contains(self) ? .transaction : .direct }
    }

    static func withStore(_ backend: Backend, _ body: @Sendable (any BatonStore) async throws -> Void) async throws {
        guard backend.isPostgres else { return try await body(MemoryStore()) }
        try await TestDatabase.withStore(rotationBatches: backend.rotationBatches, pooling: backend.pooling) { try await body($0) }
    }

    /// On PostgreSQL, a database of its own: live apps of other tests take the database-wide scheduler locks.
    static func withIsolatedStore(_ backend: Backend, _ body: @Sendable (any BatonStore) async throws -> Void) async throws {
        guard backend.isPostgres else { return try await withStore(backend, body) }
        try await TestDatabase.withFreshStore(rotationBatches: backend.rotationBatches, pooling: backend.pooling) { store, _ in try await body(store)
        }
    }

    let factory = SigningKeyFactory(sealer: SecretSealer(current: .generate()))
    /// Whole seconds: PostgreSQL keeps microseconds, and fixtures must compare equal after a round trip.
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A tenant with a unique slug, so parallel tests share one database without resets.
    func makeTenant(_ prefix: String = "t", settings: TenantSettings = .default) async throws -> (Tenant, [SigningKey], ChainKey) {
        let id = TenantID()
        let slug = try TenantSlug("\(prefix)-\(UUID().uuidString.prefix(8).lowercased())")
        let tenant = Tenant(id: id, slug: slug, displayName: "Tenant \(slug)", settings: settings, createdAt: now, updatedAt: now)
        let keys = [
            try await factory.makeSigningKey(tenantID: id, algorithm: settings.signingAlgorithm, state: .active, now: now),
            try await factory.makeSigningKey(tenantID: id, algorithm: settings.signingAlgorithm, state: .pending, now: now),
        ]
        return (tenant, keys, try factory.makeChainKey(tenantID: id, id: 1, now: now))
    }

    /// A tenant made by `makeTenant` and stored, for tests that do not look at its keys again.
    func insertTenant(_ prefix: String = "t", into store: any BatonStore) async throws -> Tenant {
        let (tenant, keys, chainKey) = try await makeTenant(prefix)
        try await store.createTenant(tenant, signingKeys: keys, chainKey: chainKey)
        return tenant
    }

    /// A public client `app` (refresh_token grant) and a user `u` in `tenant`, for tests about sessions.
    func insertAppAndUser(in tenant: Tenant, into store: any BatonStore) async throws -> User {
        try await store.createClient(Client.publicApp(of: tenant.id, at: now))
        let user = User.sessionOwner(of: tenant.id, at: now)
        try await store.createUser(user)
        return user
    }

    /// A live session of `user` with the client `clientID`, never rotated, created `offset` seconds after `now`:
    /// idle for 600 s, for 3,600 s at most.
    func session(
        of user: User,
        clientID: String = "app",
        at offset: TimeInterval = 0,
        hash: Data = Data(repeating: 7, count: 32),
        dpopJKT: String? = nil
    ) -> Session {
        Session(
            tenantID: user.tenantID,
            id: UUID(),
            userID: user.id,
            clientID: clientID,
            scope: [],
            audience: ["api"],
            createdAt: now.addingTimeInterval(offset),
            absoluteExpiresAt: now.addingTimeInterval(3_600),
            idleExpiresAt: now.addingTimeInterval(600),
            generation: 0,
            currentHash: hash,
            dpopJKT: dpopJKT
        )
    }

    @Test("a created tenant reads back field for field, with its keys and chain key", arguments: Backend.allCases)
    func roundTrip(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            var settings = TenantSettings.default
            settings.audiences = ["api://orders", "api://billing"]
            settings.allowSignup = true
            settings.signingAlgorithm = .edDSA
            let (tenant, keys, chainKey) = try await makeTenant(settings: settings)
            try await store.createTenant(tenant, signingKeys: keys, chainKey: chainKey)
            #expect(try await store.tenant(slug: tenant.slug) == tenant)
            let stored = try await store.signingKeys(tenantID: tenant.id)
            #expect(stored == keys.sorted { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) })
            #expect(try await store.chainKeys(tenantID: tenant.id) == [chainKey])
        }
    }

    @Test("a duplicate slug is a conflict and writes nothing of the second tenant", arguments: Backend.allCases)
    func duplicateSlug(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let otherID = TenantID()
            let other = Tenant(id: otherID, slug: tenant.slug, displayName: "Other", settings: .default, createdAt: now, updatedAt: now)
            let otherKeys = [try await factory.makeSigningKey(tenantID: otherID, algorithm: .es256, state: .active, now: now)]
            await #expect(throws: BatonError.self) {
                try await store.createTenant(other, signingKeys: otherKeys, chainKey: try factory.makeChainKey(tenantID: otherID, id: 1, now: now))
            }
            #expect(try await store.tenant(slug: tenant.slug) == tenant)
            #expect(try await store.signingKeys(tenantID: otherID).isEmpty)
            #expect(try await store.chainKeys(tenantID: otherID).isEmpty)
        }
    }

    @Test("a tenant never has two active keys; the refused create leaves nothing behind", arguments: Backend.allCases)
    func oneActiveKey(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let (tenant, keys, chainKey) = try await makeTenant()
            let second = try await factory.makeSigningKey(tenantID: tenant.id, algorithm: .es256, state: .active, now: now)
            await #expect(throws: BatonError.self) { try await store.createTenant(tenant, signingKeys: keys + [second], chainKey: chainKey) }
            #expect(try await store.tenant(slug: tenant.slug) == nil)
            #expect(try await store.signingKeys(tenantID: tenant.id).isEmpty)
        }
    }

    @Test("keys and chain keys are scoped to their tenant", arguments: Backend.allCases)
    func isolation(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let (a, aKeys, aChain) = try await makeTenant("a")
            let (b, bKeys, bChain) = try await makeTenant("b")
            try await store.createTenant(a, signingKeys: aKeys, chainKey: aChain)
            try await store.createTenant(b, signingKeys: bKeys, chainKey: bChain)
            #expect(Set(try await store.signingKeys(tenantID: a.id).map(\.kid)) == Set(aKeys.map(\.kid)))
            #expect(Set(try await store.signingKeys(tenantID: b.id).map(\.kid)) == Set(bKeys.map(\.kid)))
            #expect(try await store.chainKeys(tenantID: b.id) == [bChain])
        }
    }

    @Test("tenants list in slug order, a page after a slug at a time", arguments: Backend.allCases)
    func listing(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let prefix = "l\(UUID().uuidString.prefix(6).lowercased())"
            var slugs: [String] = []
            for suffix in ["c", "a", "b"] {
                let id = TenantID()
                let slug = try TenantSlug("\(prefix)-\(suffix)")
                slugs.append(slug.value)
                try await store.createTenant(
                    Tenant(id: id, slug: slug, displayName: "x", settings: .default, createdAt: now, updatedAt: now),
                    signingKeys: [try await factory.makeSigningKey(tenantID: id, algorithm: .es256, state: .active, now: now)],
                    chainKey: try factory.makeChainKey(tenantID: id, id: 1, now: now)
                )
            }
            // Other tests add tenants concurrently: look only at this test's prefix.
            let page = try await store.tenants(after: TenantSlug("\(prefix)-a"), limit: 2).map(\.slug.value)
            #expect(page == ["\(prefix)-b", "\(prefix)-c"])
            let first = try await store.tenants(after: TenantSlug(prefix), limit: 1).map(\.slug.value)
            #expect(first == ["\(prefix)-a"])
            #expect(try await store.tenants(after: nil, limit: 0).isEmpty)
        }
    }

    @Test("updates replace name and settings; updating a missing tenant is not found", arguments: Backend.allCases)
    func update(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            var updated = tenant
            updated.displayName = "Renamed 'quoted'; --"
            updated.settings.jwksMaxAge = 30
            updated.settings.audiences = ["x"]
            updated.updatedAt = now.addingTimeInterval(5)
            try await store.updateTenant(updated)
            #expect(try await store.tenant(slug: tenant.slug) == updated)
            let ghost = Tenant(
                id: TenantID(),
                slug: try TenantSlug("ghost-tenant"),
                displayName: "g",
                settings: .default,
                createdAt: now,
                updatedAt: now
            )
            await #expect(throws: BatonError.notFound("no such tenant")) { try await store.updateTenant(ghost) }
        }
    }

    @Test("deleting a tenant removes its keys, chain keys and admin keys; a second delete finds nothing", arguments: Backend.allCases)
    func delete(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let digest = SecretDigest.sha256("key-\(UUID())")
            try await store.createAdminKey(AdminKey(id: UUID(), tenantID: tenant.id, digest: digest, createdAt: now))
            #expect(try await store.deleteTenant(tenant.id))
            #expect(try await store.tenant(slug: tenant.slug) == nil)
            #expect(try await store.signingKeys(tenantID: tenant.id).isEmpty)
            #expect(try await store.chainKeys(tenantID: tenant.id).isEmpty)
            #expect(try await store.adminKey(digest: digest) == nil)
            #expect(try await !store.deleteTenant(tenant.id))
        }
    }

    @Test("admin keys are found by digest only; a key for a missing tenant or a repeated digest is refused", arguments: Backend.allCases)
    func adminKeys(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let scoped = AdminKey(id: UUID(), tenantID: tenant.id, digest: SecretDigest.sha256("scoped-\(UUID())"), createdAt: now)
            let global = AdminKey(id: UUID(), tenantID: nil, digest: SecretDigest.sha256("global-\(UUID())"), createdAt: now)
            try await store.createAdminKey(scoped)
            try await store.createAdminKey(global)
            #expect(try await store.adminKey(digest: scoped.digest) == scoped)
            #expect(try await store.adminKey(digest: global.digest) == global)
            #expect(try await store.adminKey(digest: SecretDigest.sha256("unknown")) == nil)
            await #expect(throws: BatonError.self) {
                try await store.createAdminKey(AdminKey(id: UUID(), tenantID: TenantID(), digest: SecretDigest.sha256("\(UUID())"), createdAt: now))
            }
            await #expect(throws: BatonError.self) {
                try await store.createAdminKey(AdminKey(id: UUID(), tenantID: nil, digest: scoped.digest, createdAt: now))
            }
        }
    }

    @Test("the store answers its reachability check", arguments: Backend.allCases)
    func reachable(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in try await store.checkReachable() }
    }

    @Test("clients and users are found by id within their tenant only; duplicates are conflicts", arguments: Backend.allCases)
    func clientsAndUsers(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let a = try await insertTenant("a", into: store)
            let b = try await insertTenant("b", into: store)
            let client = Client(
                tenantID: a.id,
                clientID: "web",
                name: "Web",
                kind: .confidential,
                secretDigest: SecretDigest.sha256("s"),
                grantTypes: ["refresh_token", "client_credentials"],
                scopes: ["read", "write"],
                audiences: ["api"],
                allowedOrigins: [],
                createdAt: now,
                updatedAt: now
            )
            try await store.createClient(client)
            #expect(try await store.client(tenantID: a.id, clientID: "web") == client)
            #expect(try await store.client(tenantID: b.id, clientID: "web") == nil)
            await #expect(throws: BatonError.self) { try await store.createClient(client) }

            let user = User(
                tenantID: a.id,
                id: UUID(),
                username: "ada",
                passwordHash: "$argon2id$v=19$x",
                disabled: false,
                createdAt: now,
                updatedAt: now
            )
            try await store.createUser(user)
            #expect(try await store.user(tenantID: a.id, username: "ada") == user)
            #expect(try await store.user(tenantID: a.id, id: user.id) == user)
            #expect(try await store.user(tenantID: b.id, username: "ada") == nil)
            #expect(try await store.user(tenantID: b.id, id: user.id) == nil)
            await #expect(throws: BatonError.self) {
                try await store.createUser(
                    User(tenantID: a.id, id: UUID(), username: "ada", passwordHash: "h", disabled: false, createdAt: now, updatedAt: now)
                )
            }
            // The same username in another tenant is another user.
            try await store.createUser(
                User(tenantID: b.id, id: UUID(), username: "ada", passwordHash: "h", disabled: false, createdAt: now, updatedAt: now)
            )
        }
    }

    @Test("a client's allowed origins read back and update; a tenant's origins are the union of its clients' only", arguments: Backend.allCases)
    func allowedOrigins(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let a = try await insertTenant("a", into: store)
            let b = try await insertTenant("b", into: store)
            func spa(_ id: String, in tenant: Tenant, origins: [String]) -> Client {
                Client.publicApp(id, of: tenant.id, allowedOrigins: origins, at: now)
            }
            var one = spa("one", in: a, origins: ["https://one.example", "http://localhost:5173"])
            try await store.createClient(one)
            try await store.createClient(spa("two", in: a, origins: ["https://two.example", "https://one.example"]))
            try await store.createClient(spa("other", in: b, origins: ["https://other.example"]))
            #expect(try await store.client(tenantID: a.id, clientID: "one")?.allowedOrigins == ["https://one.example", "http://localhost:5173"])
            #expect(try await store.allowedOrigins(tenantID: a.id) == ["https://one.example", "http://localhost:5173", "https://two.example"])
            #expect(try await store.allowedOrigins(tenantID: b.id) == ["https://other.example"])
            one.allowedOrigins = []
            try await store.updateClient(one)
            #expect(try await store.clients(tenantID: a.id, after: nil, limit: 10).first { $0.clientID == "one" }?.allowedOrigins == [])
            #expect(try await store.allowedOrigins(tenantID: a.id) == ["https://one.example", "https://two.example"])
        }
    }

    @Test("the scheduler lock runs its body and returns its result", arguments: Backend.allCases)
    func schedulerLockRuns(_ backend: Backend) async throws {
        try await Self.withIsolatedStore(backend) { store in
            for job in ScheduledJob.allCases {
                let result = try await store.withSchedulerLock(job) { 42 }
                #expect(result == 42)
            }
        }
    }

    @Test(
        "on PostgreSQL a job's lease excludes every other holder until given back, and only that job",
        arguments: [Backend.postgres, .pooled]
    )
    func schedulerLockExcludes(_ backend: Backend) async throws {
        try await Self.withTwoInstances(backend) { store, other, _ in
            let inner = try await store.withSchedulerLock(.keyRotation) { try await other.withSchedulerLock(.keyRotation) { "ran" } }
            #expect(inner == .some(nil))
            let afterRelease = try await other.withSchedulerLock(.keyRotation) { "ran" }
            #expect(afterRelease == "ran")
            // A purge in progress does not stop key rotation, nor the other way round.
            let otherJob = try await store.withSchedulerLock(.purge) { try await other.withSchedulerLock(.keyRotation) { "ran" } }
            #expect(otherJob == .some("ran"))
            let samePurge = try await store.withSchedulerLock(.purge) { try await other.withSchedulerLock(.purge) { "ran" } }
            #expect(samePurge == .some(nil))
        }
    }

    /// Two instances on a fresh PostgreSQL database of their own (scheduler leases are database-wide), with a client
    /// for statements of the test's own.
    static func withTwoInstances(
        _ backend: Backend,
        _ body: @Sendable (_ store: PostgresStore, _ other: PostgresStore, _ sql: PostgresClient) async throws -> Void
    ) async throws {
        try await TestDatabase.withFreshStore(pooling: backend.pooling) { store, url in
            try await TestDatabase.withClient(url: url) { sql in
                try await body(store, PostgresStore(client: sql, logger: Logger(label: "other-instance"), pooling: backend.pooling), sql)
            }
        }
    }

    @Test(
        "on PostgreSQL a lease its instance could not give back is that instance's again at its next pass; another still waits for it to run out",
        arguments: [Backend.postgres, .pooled]
    )
    func schedulerLeaseNotGivenBack(_ backend: Backend) async throws {
        try await Self.withTwoInstances(backend) { store, other, sql in
            _ = try await store.withSchedulerLock(.purge) { "ran" }
            // The give-back lost, as when the primary dies mid-pass: the lease stays, unexpired.
            try await sql.query(
                "INSERT INTO scheduler_leases (job, holder, expires_at) VALUES ('purge', \(store.schedulerHolder), now() + interval '10 minutes')"
            )
            let waited = try await other.withSchedulerLock(.purge) { "ran" }
            #expect(waited == nil)
            #expect(try await store.withSchedulerLock(.purge) { "ran" } == "ran")
            // Given back this time: the other instance's next pass runs.
            #expect(try await other.withSchedulerLock(.purge) { "ran" } == "ran")
        }
    }

    @Test("on PostgreSQL a lease whose holder died runs out, and the next holder takes it", arguments: [Backend.postgres, .pooled])
    func schedulerLeaseRunsOut(_ backend: Backend) async throws {
        try await TestDatabase.withFreshStore(pooling: backend.pooling) { store, url in
            try await TestDatabase.withClient(url: url) { sql in
                let taken = try await store.withSchedulerLock(.purge) {
                    // The holder is still in its pass, as one that died would seem; its lease is past its end.
                    try await sql.query("UPDATE scheduler_leases SET expires_at = now() - interval '1 second'")
                    return try await store.withSchedulerLock(.purge) { "ran" }
                }
                #expect(taken == .some("ran"))
                // Each gave its own lease back: none is left.
                #expect(try await sql.query("SELECT job FROM scheduler_leases").collect().isEmpty)
            }
        }
    }

    @Test("a session must name an existing user and client of its tenant", arguments: Backend.allCases)
    func sessionReferences(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let session = Session(
                tenantID: tenant.id,
                id: UUID(),
                userID: UUID(),
                clientID: "nope",
                scope: [],
                audience: [],
                createdAt: now,
                absoluteExpiresAt: now.addingTimeInterval(60),
                idleExpiresAt: now.addingTimeInterval(60),
                generation: 0,
                currentHash: SecretDigest.sha256("x")
            )
            await #expect(throws: BatonError.self) { try await store.createSession(session) }
            #expect(try await store.session(tenantID: tenant.id, id: session.id) == nil)
        }
    }
}
