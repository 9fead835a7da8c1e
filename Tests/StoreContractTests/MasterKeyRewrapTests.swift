import BatonCore
import BatonTestSupport
import Foundation
import Logging
import Testing

@Suite("Master key change-over")
struct MasterKeyRewrapTests {
    typealias Backend = StoreContractTests.Backend

    @Test("after rewrap, only the new master key is needed: every tenant still signs, and old-key blobs are gone", arguments: Backend.allCases)
    func rewrap(_ backend: Backend) async throws {
        try await StoreContractTests.withStore(backend) { base in
            let store = AnyStore(base)
            let logger = Logger(label: "t")
            let clock = ManualClock()
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            let tenants = TenantService(
                store: store,
                keyFactory: SigningKeyFactory(sealer: SecretSealer(current: old)),
                jwksCache: JWKSCache(),
                clock: clock,
                logger: logger
            )
            let tenant = try await tenants.create(
                slug: "rw-\(UUID().uuidString.prefix(8).lowercased())",
                displayName: nil,
                settings: .init(signingAlgorithm: .rs256)
            )

            let rewrap = MasterKeyRewrap(
                store: store,
                sealer: SecretSealer(current: new, previous: [old]),
                audit: AuditLog(store: store, clock: clock, logger: logger),
                logger: logger
            )
            #expect(try await rewrap.rewrap(tenant) == 3)  // active, pending, chain key

            let keys = try await store.signingKeys(tenantID: tenant.id)
            #expect(keys.allSatisfy { $0.sealedPrivateKey?.masterKeyID == new.id })
            #expect(try await store.chainKeys(tenantID: tenant.id).allSatisfy { $0.sealedKey.masterKeyID == new.id })
            let claims = AccessTokenClaims(
                issuer: "i",
                subject: "s",
                audience: ["i"],
                issuedAt: clock.now(),
                lifetime: 60,
                clientID: "c",
                scope: [],
                sessionID: nil
            )
            let onlyNew = SigningKeyRing(sealer: SecretSealer(current: new))
            let token = try await onlyNew.sign(claims, tenantID: tenant.id, store: store)
            #expect(try await onlyNew.verify(token, tenantID: tenant.id, issuer: "i", now: clock.now(), store: store) != nil)
            _ = try await ChainKeyRing(sealer: SecretSealer(current: new)).chain(for: tenant.id, store: store)
            // The old key alone opens nothing any more.
            await #expect(throws: BatonError.self) {
                _ = try await SigningKeyRing(sealer: SecretSealer(current: old)).sign(claims, tenantID: tenant.id, store: store)
            }
            #expect(try await store.auditEvents(tenantID: tenant.id, kind: .masterKeyRewrapped, before: nil, limit: 5).count == 1)
        }
    }

    @Test("a rewrap that meets a blob it cannot open changes nothing for that tenant", arguments: Backend.allCases)
    func allOrNothing(_ backend: Backend) async throws {
        try await StoreContractTests.withStore(backend) { base in
            let store = AnyStore(base)
            let logger = Logger(label: "t")
            let old = MasterKey.generate()
            let tenant = try await TenantService(
                store: store,
                keyFactory: SigningKeyFactory(sealer: SecretSealer(current: old)),
                jwksCache: JWKSCache(),
                clock: ManualClock(),
                logger: logger
            ).create(slug: "rn-\(UUID().uuidString.prefix(8).lowercased())", displayName: nil, settings: .init())
            let before = try await store.signingKeys(tenantID: tenant.id)
            let wrongPrevious = MasterKeyRewrap(
                store: store,
                sealer: SecretSealer(current: .generate(), previous: [.generate()]),
                audit: AuditLog(store: store, clock: ManualClock(), logger: logger),
                logger: logger
            )
            await #expect(throws: BatonError.self) { _ = try await wrongPrevious.rewrap(tenant) }
            #expect(try await store.signingKeys(tenantID: tenant.id) == before)
        }
    }

    @Test("a key change in one transaction: a failing second update rolls back the first", arguments: Backend.allCases)
    func atomicKeyChange(_ backend: Backend) async throws {
        try await KeyRotationTests.withFixture(backend) { f in
            let keys = try await f.store.signingKeys(tenantID: f.tenant.id)
            var active = try #require(keys.first { $0.state == .active })
            var pending = try #require(keys.first { $0.state == .pending })
            active.state = .retiring
            active.retiringAt = f.clock.now()
            active.retireAfter = f.clock.now()
            pending.state = .active
            // The pending key's expected state is wrong on purpose: as if another instance changed it meanwhile.
            await #expect(throws: BatonError.self) {
                try await f.store.changeSigningKeys(tenantID: f.tenant.id, updates: [(active, .active), (pending, .retiring)], inserts: [])
            }
            #expect(try await f.store.signingKeys(tenantID: f.tenant.id) == keys)
        }
    }
}
