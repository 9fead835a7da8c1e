import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import Testing

@Suite("Scheduled rotation")
struct KeySchedulerTests {
    typealias Backend = StoreContractTests.Backend

    @Test("a tenant whose rotation interval has elapsed is rotated once; retirement follows its window", arguments: Backend.allCases)
    func scheduled(_ backend: Backend) async throws {
        try await KeyRotationTests.withFixture(
            backend,
            settings: .init(accessTokenTTL: 300, keyRotationInterval: 3_600, jwksMaxAge: 600),
            isolated: true
        ) { f in
            let scheduler = KeyScheduler(store: f.store, rotation: f.rotation, clock: f.clock, logger: Logger(label: "t"))
            f.clock.advance(by: 3_599)
            #expect(try await scheduler.runOnce()?.contains(f.tenant.slug) == false)
            f.clock.advance(by: 1)
            #expect(try await scheduler.runOnce()?.contains(f.tenant.slug) == true)
            #expect(try await scheduler.runOnce()?.contains(f.tenant.slug) == false)
            #expect(try await f.states() == [.retiring: 1, .active: 1, .pending: 1])
            f.clock.advance(by: 361)
            _ = try await scheduler.runOnce()
            #expect(try await f.states() == [.retired: 1, .active: 1, .pending: 1])
            let events = try await f.store.auditEvents(tenantID: f.tenant.id, kind: .keyRotated, before: nil, limit: 10)
            #expect(events.count == 1)
            #expect(events.first?.actor == "scheduler")
        }
    }

    @Test(
        "two instances running the scheduler at once rotate each due tenant exactly once",
        arguments: [StoreContractTests.Backend.postgres, .pooled]
    )
    func exactlyOnce(_ backend: StoreContractTests.Backend) async throws {
        try await KeyRotationTests.withFixture(backend, settings: .init(keyRotationInterval: 3_600, jwksMaxAge: 600), isolated: true) { f in
            try await TestDatabase.withClient(url: f.databaseURL) { otherClient in
                let otherStore = PostgresStore(client: otherClient, logger: Logger(label: "other"), pooling: backend.pooling)
                let logger = Logger(label: "t")
                let a = KeyScheduler(store: f.store, rotation: f.rotation, clock: f.clock, logger: logger)
                let other = AnyStore(otherStore)
                let otherRotation = KeyRotationService(
                    store: other,
                    keyFactory: SigningKeyFactory(sealer: SecretSealer(current: .generate())),
                    tenants: TenantService(
                        store: other,
                        keyFactory: SigningKeyFactory(sealer: SecretSealer(current: .generate())),
                        jwksCache: JWKSCache(),
                        clock: f.clock,
                        logger: logger
                    ),
                    jwksCache: JWKSCache(),
                    signingKeys: SigningKeyRing(sealer: SecretSealer(current: .generate())),
                    audit: AuditLog(store: other, clock: f.clock, logger: logger),
                    clock: f.clock,
                    logger: logger
                )
                let b = KeyScheduler(store: other, rotation: otherRotation, clock: f.clock, logger: logger)
                f.clock.advance(by: 3_600)
                async let first = a.runOnce()
                async let second = b.runOnce()
                _ = try await (first, second)
                let events = try await f.store.auditEvents(tenantID: f.tenant.id, kind: .keyRotated, before: nil, limit: 10)
                #expect(events.count == 1)
                #expect(try await f.states()[.active] == 1)
            }
        }
    }
}
