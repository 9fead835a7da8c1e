import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import Testing

/// The refresh-token rules (ARCHITECTURE: the hash chain), on the memory store and on PostgreSQL.
@Suite("Refresh rotation, grace retry and reuse detection")
struct RefreshRotationTests {
    typealias Backend = StoreContractTests.Backend

    /// A tenant with a user and a public client, and a refresh service on `store` with a manual clock.
    struct Fixture: Sendable {
        let store: any BatonStore
        let tenant: Tenant
        let userID: UUID
        let clock: ManualClock
        let service: RefreshTokenGrant<AnyStore>
        /// The master key's sealer the service opens this tenant's chain key with.
        let sealer: SecretSealer

        func start(client: String = "app") async throws -> (Session, RefreshToken) {
            try await service.startSession(
                tenant: tenant,
                userID: userID,
                clientID: client,
                scope: ["read"],
                audience: [],
                userAgent: "t",
                ipAddress: "127.0.0.1"
            )
        }
    }

    /// `isolated`: on PostgreSQL, a database of its own (for work that sweeps every tenant, like the purge).
    static func withFixture(
        _ backend: Backend,
        settings: TenantSettingsPatch = .init(),
        isolated: Bool = false,
        _ body: @Sendable (Fixture) async throws -> Void
    ) async throws {
        if isolated, backend.isPostgres {
            try await TestDatabase.withFreshStore(rotationBatches: backend.rotationBatches, pooling: backend.pooling) { store, _ in
                try await fixture(store, settings: settings, body)
            }
            return
        }
        try await StoreContractTests.withStore(backend) { store in try await fixture(store, settings: settings, body) }
    }

    static func fixture(_ store: any BatonStore, settings: TenantSettingsPatch, _ body: @Sendable (Fixture) async throws -> Void) async throws {
        do {
            let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
            let sealer = SecretSealer(current: .generate())
            let anyStore = AnyStore(store)
            let tenants = TenantService(
                store: anyStore,
                keyFactory: SigningKeyFactory(sealer: sealer),
                jwksCache: JWKSCache(),
                clock: clock,
                logger: Logger(label: "t")
            )
            let tenant = try await tenants.create(slug: "r-\(UUID().uuidString.prefix(8).lowercased())", displayName: nil, settings: settings)
            let now = clock.now()
            for clientID in ["app", "other-app"] {
                try await store.createClient(Client.publicApp(clientID, of: tenant.id, scopes: ["read"], at: now))
            }
            let user = User.sessionOwner(of: tenant.id, at: now)
            try await store.createUser(user)
            let service = RefreshTokenGrant.forTests(store: anyStore, sealer: sealer, clock: clock, logger: Logger(label: "t"))
            try await body(Fixture(store: store, tenant: tenant, userID: user.id, clock: clock, service: service, sealer: sealer))
        }
    }

    @Test("the seed scenario: R0 → R1 → R2, then R0 again revokes the session and R2 is dead", arguments: Backend.allCases)
    func seedScenario(_ backend: Backend) async throws {
        try await Self.withFixture(backend) { f in
            let (session, r0) = try await f.start()
            let r1 = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app")
            #expect(r1.kind == .rotated && r1.refreshToken.generation == 1)
            f.clock.advance(by: 30)
            let r2 = try await f.service.spend(tenant: f.tenant, presented: r1.refreshToken.encoded, clientID: "app")
            #expect(r2.refreshToken.generation == 2)
            f.clock.advance(by: 30)
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token was already used; its session is revoked")) {
                _ = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app")
            }
            let revoked = try #require(try await f.store.session(tenantID: f.tenant.id, id: session.id))
            #expect(revoked.revokedAt != nil)
            #expect(revoked.revokeReason == "refresh_token_reuse")
            await #expect(throws: OAuthError.self) {
                _ = try await f.service.spend(tenant: f.tenant, presented: r2.refreshToken.encoded, clientID: "app")
            }
        }
    }

    @Test("only hashes are stored: the session row never holds the token's secret", arguments: Backend.allCases)
    func onlyHashes(_ backend: Backend) async throws {
        try await Self.withFixture(backend) { f in
            let (session, r0) = try await f.start()
            #expect(session.currentHash == RefreshChain.digest(r0.secret))
            #expect(session.currentHash != r0.secret)
        }
    }

    @Test("a retry of the predecessor inside the grace window gets the identical successor; the chain does not fork", arguments: Backend.allCases)
    func graceRetry(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(reuseGrace: 10)) { f in
            let (_, r0) = try await f.start()
            let first = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app")
            f.clock.advance(by: 9)
            let retry = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app")
            #expect(retry.kind == .graceRetry)
            #expect(retry.refreshToken == first.refreshToken)
            #expect(retry.session.generation == 1)
            // The successor still works, exactly once.
            let next = try await f.service.spend(tenant: f.tenant, presented: first.refreshToken.encoded, clientID: "app")
            #expect(next.refreshToken.generation == 2)
        }
    }

    @Test("after the grace window closes, the predecessor is reuse", arguments: Backend.allCases)
    func graceCloses(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(reuseGrace: 10)) { f in
            let (session, r0) = try await f.start()
            _ = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app")
            f.clock.advance(by: 10)
            await #expect(throws: OAuthError.self) { _ = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app") }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id)?.revokedAt != nil)
        }
    }

    @Test("a retry after the successor was used is reuse, even inside the grace window", arguments: Backend.allCases)
    func retryAfterSuccessorUsed(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(reuseGrace: 10)) { f in
            let (session, r0) = try await f.start()
            let r1 = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app")
            _ = try await f.service.spend(tenant: f.tenant, presented: r1.refreshToken.encoded, clientID: "app")
            await #expect(throws: OAuthError.self) { _ = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app") }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id)?.revokedAt != nil)
        }
    }

    @Test("forged tokens, another client's token and garbage are invalid and revoke nothing", arguments: Backend.allCases)
    func forgedRevokesNothing(_ backend: Backend) async throws {
        try await Self.withFixture(backend) { f in
            let (session, r0) = try await f.start()
            let forgedCurrent = RefreshToken(sessionID: session.id, generation: 0, secret: RandomSecret.bytes(32))
            let forgedOld = RefreshToken(sessionID: session.id, generation: 0, secret: RandomSecret.bytes(32))
            let future = RefreshToken(sessionID: session.id, generation: 5, secret: r0.secret)
            _ = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app")
            for presented in [forgedCurrent.encoded, forgedOld.encoded, future.encoded, "garbage", "brt_x_0_y", "", r0.encoded + "x"] {
                await #expect(throws: OAuthError.self) { _ = try await f.service.spend(tenant: f.tenant, presented: presented, clientID: "app") }
            }
            // The real predecessor, but presented by another client: invalid, not reuse.
            await #expect(throws: OAuthError.self) { _ = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "other-app") }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id)?.revokedAt == nil)
        }
    }

    @Test("idle expiry and absolute expiry end the session, grace or not", arguments: Backend.allCases)
    func expiry(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(refreshIdleTTL: 3_600, refreshAbsoluteTTL: 7_200, reuseGrace: 10)) { f in
            // Idle: no refresh for an hour.
            let (_, idle) = try await f.start()
            f.clock.advance(by: 3_600)
            await #expect(throws: OAuthError.self) { _ = try await f.service.spend(tenant: f.tenant, presented: idle.encoded, clientID: "app") }

            // Absolute: refreshed every 50 minutes, still ends two hours after login, and idle expiry never passes it.
            let (_, start) = try await f.start()
            var token = start
            for _ in 0..<2 {
                f.clock.advance(by: 3_000)
                let result = try await f.service.spend(tenant: f.tenant, presented: token.encoded, clientID: "app")
                #expect(result.session.idleExpiresAt <= result.session.absoluteExpiresAt)
                token = result.refreshToken
            }
            f.clock.advance(by: 1_200)
            await #expect(throws: OAuthError.self) { _ = try await f.service.spend(tenant: f.tenant, presented: token.encoded, clientID: "app") }
        }
    }

    @Test("a user's session list holds only live sessions, newest first: not idle-expired, not revoked", arguments: Backend.allCases)
    func liveSessionList(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(refreshIdleTTL: 3_600, refreshAbsoluteTTL: 7_200)) { f in
            let (idle, _) = try await f.start()
            f.clock.advance(by: 1_800)
            let (older, _) = try await f.start()
            let (revoked, _) = try await f.start()
            f.clock.advance(by: 1)
            let (newer, _) = try await f.start()
            #expect(try await f.store.revokeSession(tenantID: f.tenant.id, id: revoked.id, reason: "test", at: f.clock.now()))
            #expect(
                try await f.store.sessions(tenantID: f.tenant.id, userID: f.userID, now: f.clock.now()).map(\.id) == [newer.id, older.id, idle.id]
            )
            f.clock.advance(by: 1_799)
            #expect(try await f.store.sessions(tenantID: f.tenant.id, userID: f.userID, now: f.clock.now()).map(\.id) == [newer.id, older.id])
        }
    }

    @Test("another tenant's refresh token is invalid there", arguments: Backend.allCases)
    func otherTenant(_ backend: Backend) async throws {
        try await Self.withFixture(backend) { a in
            let (_, token) = try await a.start()
            let otherTenant = try await TenantService(
                store: AnyStore(a.store),
                // Sealed as this instance seals, so the refusal is the token's, not an unreadable chain key's.
                keyFactory: SigningKeyFactory(sealer: a.sealer),
                jwksCache: JWKSCache(),
                clock: a.clock,
                logger: Logger(label: "t")
            ).create(slug: "o-\(UUID().uuidString.prefix(8).lowercased())", displayName: nil, settings: .init())
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token is invalid")) {
                _ = try await a.service.spend(tenant: otherTenant, presented: token.encoded, clientID: "app")
            }
            _ = try await a.service.spend(tenant: a.tenant, presented: token.encoded, clientID: "app")
        }
    }

    @Test("32 concurrent refreshes of one token with grace 0: exactly one wins, the rest are invalid_grant", arguments: Backend.allCases)
    func concurrentNoGrace(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(reuseGrace: 0)) { f in
            let (session, r0) = try await f.start()
            let outcomes = await Self.race(32) { try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app") }
            let successes = outcomes.compactMap { try? $0.get() }
            #expect(successes.count == 1)
            for failure in outcomes.filter({ (try? $0.get()) == nil }) {
                #expect(throws: OAuthError.self) { try failure.get() }
            }
            let stored = try #require(try await f.store.session(tenantID: f.tenant.id, id: session.id))
            // The losers presented a spent token: reuse, so the session is revoked; it advanced exactly one generation.
            #expect(stored.generation == 1)
            #expect(stored.currentHash == RefreshChain.digest(try #require(successes.first).refreshToken.secret))
        }
    }

    @Test("32 concurrent refreshes of one token inside the grace window all get the identical successor", arguments: Backend.allCases)
    func concurrentGrace(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(reuseGrace: 10)) { f in
            let (session, r0) = try await f.start()
            let outcomes = await Self.race(32) { try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app") }
            let tokens = try outcomes.map { try $0.get().refreshToken }
            #expect(Set(tokens.map(\.encoded)).count == 1)
            #expect(outcomes.filter { (try? $0.get().kind) == .rotated }.count == 1)
            let stored = try #require(try await f.store.session(tenantID: f.tenant.id, id: session.id))
            #expect(stored.generation == 1)
            #expect(stored.revokedAt == nil)
        }
    }

    /// Runs `count` copies of `body` at once (released together) and collects every outcome.
    static func race<T: Sendable>(_ count: Int, _ body: @escaping @Sendable () async throws -> T) async -> [Result<T, any Error>] {
        await withTaskGroup(of: Result<T, any Error>.self) { group in
            for _ in 0..<count {
                group.addTask {
                    do { return .success(try await body()) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }
}
