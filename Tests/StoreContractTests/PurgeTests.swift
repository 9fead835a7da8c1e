import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import Testing

/// The purge of ended sessions, old audit events and stale login counters, on the memory store and on PostgreSQL.
@Suite("Purge")
struct PurgeTests {
    typealias Backend = StoreContractTests.Backend
    typealias Fixture = RefreshRotationTests.Fixture

    static let settings = TenantSettingsPatch(refreshIdleTTL: 3_600, refreshAbsoluteTTL: 86_400)

    /// A second tenant next to the fixture's, with a user and the client "app", to show a purge stays in its tenant.
    static func otherTenant(of f: Fixture) async throws -> RefreshRotationTests.Fixture {
        let store = AnyStore(f.store)
        let tenant = try await TenantService(
            store: store,
            keyFactory: SigningKeyFactory(sealer: f.sealer),
            jwksCache: JWKSCache(),
            clock: f.clock,
            logger: Logger(label: "t")
        ).create(slug: "p-\(UUID().uuidString.prefix(8).lowercased())", displayName: nil, settings: settings)
        let now = f.clock.now()
        try await f.store.createClient(Client.publicApp(of: tenant.id, scopes: ["read"], at: now))
        let user = User.sessionOwner(of: tenant.id, at: now)
        try await f.store.createUser(user)
        return Fixture(store: f.store, tenant: tenant, userID: user.id, clock: f.clock, service: f.service, sealer: f.sealer)
    }

    /// Runs batches of `limit` until the walk is over; returns how many were deleted and how many batches it took.
    static func purgeSessions(_ f: Fixture, endedBefore cutoff: Date, limit: Int) async throws -> (deleted: Int, batches: Int) {
        var after: UUID?
        var deleted = 0
        var batches = 0
        repeat {
            let batch = try await f.store.purgeEndedSessions(tenantID: f.tenant.id, endedBefore: cutoff, after: after, limit: limit)
            deleted += batch.deleted
            batches += 1
            after = batch.lastExamined
        } while after != nil && batches < 100
        return (deleted, batches)
    }

    @Test(
        "sessions that ended before the cutoff go, batch by batch; live and recently ended ones stay, as do other tenants'",
        arguments: Backend.allCases
    )
    func endedSessions(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend, settings: Self.settings) { f in
            let other = try await Self.otherTenant(of: f)
            let t0 = f.clock.now()
            let (idleExpired, _) = try await f.start()  // idle expiry t0 + 1 h
            let (othersEnded, _) = try await other.start()
            f.clock.advance(by: 3_000)
            let (live, liveToken) = try await f.start()  // idle expiry t0 + 6600 s, like the next two
            let (revokedEarly, _) = try await f.start()
            #expect(try await f.store.revokeSession(tenantID: f.tenant.id, id: revokedEarly.id, reason: "test", at: f.clock.now()))
            let (revokedLate, _) = try await f.start()
            f.clock.advance(by: 1_000)
            #expect(try await f.store.revokeSession(tenantID: f.tenant.id, id: revokedLate.id, reason: "test", at: f.clock.now()))

            let (deleted, batches) = try await Self.purgeSessions(f, endedBefore: t0.addingTimeInterval(3_700), limit: 1)
            #expect(deleted == 2)
            #expect(batches == 5)  // four sessions looked at one by one, then an empty batch ends the walk
            #expect(try await f.store.session(tenantID: f.tenant.id, id: idleExpired.id) == nil)
            #expect(try await f.store.session(tenantID: f.tenant.id, id: revokedEarly.id) == nil)
            #expect(try await f.store.session(tenantID: f.tenant.id, id: live.id) != nil)
            #expect(try await f.store.session(tenantID: f.tenant.id, id: revokedLate.id) != nil)
            #expect(try await f.store.session(tenantID: other.tenant.id, id: othersEnded.id) != nil)
            // The live session still refreshes.
            _ = try await f.service.spend(tenant: f.tenant, presented: liveToken.encoded, clientID: "app")
            // Once the cutoff passes the late revocation, it goes too; a second walk finds nothing more.
            #expect(try await Self.purgeSessions(f, endedBefore: f.clock.now().addingTimeInterval(1), limit: 10).deleted == 1)
            #expect(try await Self.purgeSessions(f, endedBefore: f.clock.now().addingTimeInterval(1), limit: 10).deleted == 0)
        }
    }

    @Test("audit events older than the cutoff go, oldest first, at most a batch at a time, in their tenant only", arguments: Backend.allCases)
    func auditEvents(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend) { f in
            let other = try await Self.otherTenant(of: f)
            let t0 = f.clock.now()
            for (tenant, offset) in [(f.tenant, 0.0), (f.tenant, 10), (f.tenant, 20), (other.tenant, 0)] {
                try await f.store.appendAuditEvent(
                    AuditEvent(tenantID: tenant.id, kind: .userUpdated, occurredAt: t0.addingTimeInterval(offset), actor: "t")
                )
            }
            let cutoff = t0.addingTimeInterval(15)
            #expect(try await f.store.purgeAuditEvents(tenantID: f.tenant.id, occurredBefore: cutoff, limit: 1) == 1)
            let afterOne = try await f.store.auditEvents(tenantID: f.tenant.id, kind: .userUpdated, before: nil, limit: 10).map(\.occurredAt)
            #expect(afterOne == [t0.addingTimeInterval(20), t0.addingTimeInterval(10)])
            #expect(try await f.store.purgeAuditEvents(tenantID: f.tenant.id, occurredBefore: cutoff, limit: 10) == 1)
            #expect(try await f.store.purgeAuditEvents(tenantID: f.tenant.id, occurredBefore: cutoff, limit: 10) == 0)
            #expect(
                try await f.store.auditEvents(tenantID: f.tenant.id, kind: .userUpdated, before: nil, limit: 10).map(\.occurredAt) == [
                    t0.addingTimeInterval(20)
                ]
            )
            #expect(try await f.store.auditEvents(tenantID: other.tenant.id, kind: .userUpdated, before: nil, limit: 10).count == 1)
        }
    }

    @Test("login-failure counters whose window started before the cutoff go; current ones keep counting", arguments: Backend.allCases)
    func loginFailures(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend) { f in
            let t0 = f.clock.now()
            _ = try await f.store.reserveLoginAttempt(tenantID: f.tenant.id, limits: ["stale": 5], now: t0, window: 900)
            _ = try await f.store.reserveLoginAttempt(tenantID: f.tenant.id, limits: ["current": 5], now: t0.addingTimeInterval(1_000), window: 900)
            #expect(try await f.store.purgeLoginFailures(tenantID: f.tenant.id, windowStartedBefore: t0.addingTimeInterval(500), limit: 10) == 1)
            #expect(try await f.store.purgeLoginFailures(tenantID: f.tenant.id, windowStartedBefore: t0.addingTimeInterval(500), limit: 10) == 0)
            let counts = try await f.store.loginFailures(tenantID: f.tenant.id, keys: ["current"], now: t0.addingTimeInterval(1_001), window: 900)
            #expect(counts["current"] == 1)
        }
    }

    @Test("a purge pass applies the retention policy to every tenant and reports what it deleted", arguments: Backend.allCases)
    func pass(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend, settings: Self.settings, isolated: true) { f in
            let store = AnyStore(f.store)
            let purger = Purger(
                store: store,
                policy: RetentionPolicy(endedSessions: 86_400, auditEvents: 2 * 86_400, batchSize: 2),
                loginFailureWindow: 900,
                clock: f.clock
            )
            let other = try await Self.otherTenant(of: f)
            var ended: [UUID] = []
            for fixture in [f, f, f, other] {
                let (session, _) = try await fixture.start()
                ended.append(session.id)
            }
            _ = try await f.store.reserveLoginAttempt(tenantID: f.tenant.id, limits: ["k": 5], now: f.clock.now(), window: 900)
            // A DPoP proof record that will have expired, and one still guarding its proof after the clock moves.
            let expiring = f.clock.now().addingTimeInterval(DPoPProof.lifetime)
            #expect(try await f.store.recordDPoPProof(tenantID: f.tenant.id, replayKey: Data("old proof".utf8), expiresAt: expiring))
            let lasting = expiring.addingTimeInterval(4 * 86_400)
            #expect(try await f.store.recordDPoPProof(tenantID: other.tenant.id, replayKey: Data("live proof".utf8), expiresAt: lasting))
            for tenant in [f.tenant, other.tenant] {
                try await f.store.appendAuditEvent(AuditEvent(tenantID: tenant.id, kind: .userUpdated, occurredAt: f.clock.now(), actor: "t"))
            }

            f.clock.advance(by: 86_400 + 3_601)  // a day after the idle expiry
            let (live, liveToken) = try await f.start()
            try await f.store.appendAuditEvent(AuditEvent(tenantID: f.tenant.id, kind: .userUpdated, occurredAt: f.clock.now(), actor: "t"))
            #expect(try await purger.runOnce() == Purger<AnyStore>.Report(sessions: 4, auditEvents: 0, loginFailures: 1, dpopProofs: 1))
            // The live record still refuses its proof's replay.
            #expect(!(try await f.store.recordDPoPProof(tenantID: other.tenant.id, replayKey: Data("live proof".utf8), expiresAt: lasting)))
            for id in ended { #expect(try await f.store.session(tenantID: f.tenant.id, id: id) == nil) }
            #expect(try await f.store.session(tenantID: other.tenant.id, id: ended[3]) == nil)
            _ = try await f.service.spend(tenant: f.tenant, presented: liveToken.encoded, clientID: "app")
            #expect(try await f.store.session(tenantID: f.tenant.id, id: live.id) != nil)

            f.clock.advance(by: 86_400)  // the first events are now two days old and more
            #expect(try await purger.runOnce() == Purger<AnyStore>.Report(sessions: 0, auditEvents: 2, loginFailures: 0))
            let left = try await f.store.auditEvents(tenantID: f.tenant.id, kind: nil, before: nil, limit: 100)
            #expect(left.map(\.occurredAt) == [f.clock.now().addingTimeInterval(-86_400)])  // the newer event stays
        }
    }

    @Test("on PostgreSQL the purge deletes in batches while sessions keep refreshing: every refresh succeeds, only ended sessions go")
    func underLoad() async throws {
        try await RefreshRotationTests.withFixture(.postgres, settings: Self.settings, isolated: true) { f in
            var ended: [UUID] = []
            for _ in 0..<120 { ended.append(try await f.start().0.id) }
            f.clock.advance(by: 3_601)
            var live: [RefreshToken] = []
            for _ in 0..<8 { live.append(try await f.start().1) }
            let purger = Purger(
                store: AnyStore(f.store),
                policy: RetentionPolicy(endedSessions: 0, batchSize: 7),
                loginFailureWindow: 900,
                clock: f.clock
            )

            async let report = purger.runOnce()
            let refreshes = try await withThrowingTaskGroup(of: Int.self) { group in
                for token in live {
                    group.addTask {
                        var current = token
                        for _ in 0..<20 {
                            current = try await f.service.spend(tenant: f.tenant, presented: current.encoded, clientID: "app").refreshToken
                        }
                        return 20
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(refreshes == 160)
            let done = try await report
            #expect(done?.sessions == 120)
            for id in ended { #expect(try await f.store.session(tenantID: f.tenant.id, id: id) == nil) }
            #expect(try await f.store.sessions(tenantID: f.tenant.id, userID: f.userID, now: f.clock.now()).count == 8)
        }
    }
}
