import BatonCore
import Foundation
import Logging
import Testing

@Suite("Tenant service")
struct TenantServiceTests {
    let store = MemoryStore()
    let sealer = SecretSealer(current: .generate())
    let clock = ManualClock()
    let cache = JWKSCache()

    var service: TenantService<MemoryStore> {
        TenantService(store: store, keyFactory: SigningKeyFactory(sealer: sealer), jwksCache: cache, clock: clock, logger: Logger(label: "test"))
    }
    var keys: KeyService<MemoryStore> { KeyService(store: store, jwksCache: cache) }

    @Test("a new tenant has one active and one pending key of its algorithm, sealed, and a sealed chain key", arguments: SigningAlgorithm.allCases)
    func newTenantKeys(_ algorithm: SigningAlgorithm) async throws {
        let tenant = try await service.create(slug: "acme", displayName: "Acme", settings: .init(signingAlgorithm: algorithm))
        let signingKeys = await store.signingKeys(tenantID: tenant.id)
        #expect(signingKeys.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.active, .pending])
        #expect(signingKeys.allSatisfy { $0.algorithm == algorithm })
        for key in signingKeys {
            let sealed = try #require(key.sealedPrivateKey)
            #expect(sealed.masterKeyID == sealer.current.id)
            // The sealed blob opens only with the tenant and kid it belongs to.
            let opened = try sealer.open(sealed, context: SecretSealer.signingKeyContext(tenantID: tenant.id, kid: key.kid))
            #expect(!opened.isEmpty)
            #expect(throws: BatonError.self) {
                try sealer.open(sealed, context: SecretSealer.signingKeyContext(tenantID: TenantID(), kid: key.kid))
            }
        }
        let chainKeys = await store.chainKeys(tenantID: tenant.id)
        #expect(chainKeys.count == 1)
        let chainKey = try sealer.open(chainKeys[0].sealedKey, context: SecretSealer.chainKeyContext(tenantID: tenant.id, id: chainKeys[0].id))
        #expect(chainKey.count == 32)
    }

    @Test("a duplicate slug is a conflict and leaves the first tenant as it was")
    func duplicate() async throws {
        let first = try await service.create(slug: "acme", displayName: nil, settings: .init())
        await #expect(throws: BatonError.conflict("a tenant with this id already exists")) {
            _ = try await service.create(slug: "acme", displayName: "Other", settings: .init(signingAlgorithm: .rs256))
        }
        #expect(try await service.tenant(slug: "acme") == first)
    }

    @Test("the display name defaults to the id and rejects control characters")
    func displayName() async throws {
        #expect(try await service.create(slug: "acme", displayName: nil, settings: .init()).displayName == "acme")
        await #expect(throws: BatonError.self) { _ = try await service.create(slug: "beta", displayName: "a\u{0}b", settings: .init()) }
        await #expect(throws: BatonError.self) { _ = try await service.create(slug: "gamma", displayName: "a\u{202E}b", settings: .init()) }
        await #expect(throws: BatonError.self) {
            _ = try await service.create(slug: "delta", displayName: String(repeating: "x", count: 201), settings: .init())
        }
    }

    @Test("unknown and malformed slugs get the same not-found")
    func notFound() async throws {
        for slug in ["nope", "NOPE", "", "../x", "a\u{0}"] {
            await #expect(throws: BatonError.notFound("no such tenant")) { _ = try await service.tenant(slug: slug) }
        }
    }

    @Test("updates validate the result and bump updated_at; a failed update changes nothing")
    func update() async throws {
        let tenant = try await service.create(slug: "acme", displayName: nil, settings: .init())
        clock.advance(by: 60)
        let updated = try await service.update(tenant, displayName: "Acme Inc", settings: .init(jwksMaxAge: 120))
        #expect(updated.displayName == "Acme Inc")
        #expect(updated.settings.jwksMaxAge == 120)
        #expect(updated.updatedAt == tenant.createdAt.addingTimeInterval(60))
        await #expect(throws: BatonError.self) {
            _ = try await service.update(updated, displayName: nil, settings: .init(refreshIdleTTL: 400 * 86_400))
        }
        #expect(try await service.tenant(slug: "acme") == updated)
    }

    @Test("JWKS publishes the pending and active keys, and is rebuilt after changes")
    func jwks() async throws {
        let tenant = try await service.create(slug: "acme", displayName: nil, settings: .init())
        let document = try await keys.jwks(of: tenant)
        let stored = await store.signingKeys(tenantID: tenant.id)
        #expect(Set(document.keyIDs) == Set(stored.map(\.kid)))
        #expect(document.algorithms == ["ES256"])
        try await service.delete(tenant)
        await #expect(throws: BatonError.notFound("no such tenant")) { _ = try await service.tenant(slug: "acme") }
        #expect(await store.signingKeys(tenantID: tenant.id).isEmpty)
    }

    @Test("list pages by slug; the next cursor is the last slug of a full page, none after a short one", arguments: [1, 2, 5])
    func list(pageSize: Int) async throws {
        for slug in ["c1", "a1", "b1", "d1"] { _ = try await service.create(slug: slug, displayName: nil, settings: .init()) }
        var seen: [String] = []
        var after: String?
        while true {
            let page = try await service.list(after: after, limit: pageSize)
            seen += page.items.map(\.slug.value)
            #expect(page.items.count <= pageSize)
            guard let next = page.next else { break }
            #expect(next == page.items.last?.slug.value)
            after = next
        }
        #expect(seen == ["a1", "b1", "c1", "d1"])
        #expect(try await service.list(after: nil, limit: nil).items.count == 4, "the default page holds them all")
        await #expect(throws: BatonError.self) { _ = try await service.list(after: nil, limit: 0) }
        await #expect(throws: BatonError.self) { _ = try await service.list(after: nil, limit: 201) }
    }
}
