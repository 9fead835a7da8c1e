import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import Testing

/// The signing-key lifecycle with an injected clock, on the memory store and on PostgreSQL.
@Suite("Signing key rotation, revocation and retirement")
struct KeyRotationTests {
    typealias Backend = StoreContractTests.Backend

    struct Fixture: Sendable {
        let store: AnyStore
        let tenant: Tenant
        let clock: ManualClock
        let rotation: KeyRotationService<AnyStore>
        let keys: KeyService<AnyStore>
        let ring: SigningKeyRing
        let issuer = "https://auth.example.test/t/x"
        /// The database of an isolated PostgreSQL fixture, for a second instance to connect to.
        var databaseURL: String? = nil

        func sign() async throws -> String {
            let claims = AccessTokenClaims(
                issuer: issuer,
                subject: "s",
                audience: [issuer],
                issuedAt: clock.now(),
                lifetime: tenant.settings.accessTokenTTL,
                clientID: "c",
                scope: [],
                sessionID: nil
            )
            return try await ring.sign(claims, tenantID: tenant.id, store: store)
        }

        func verifies(_ token: String) async throws -> Bool {
            try await ring.verify(token, tenantID: tenant.id, issuer: issuer, now: clock.now(), store: store) != nil
        }

        func states() async throws -> [SigningKeyState: Int] {
            try await store.signingKeys(tenantID: tenant.id).reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
        }

        func jwksKIDs() async throws -> Set<String> { Set(try await keys.jwks(of: tenant).keyIDs) }

        static func kid(of token: String) -> String? {
            guard let header = token.split(separator: ".").first, let data = Base64URL.decode(String(header)),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return json["kid"] as? String
        }
    }

    /// `isolated`: on PostgreSQL, a database of its own (for scheduler tests, which sweep every tenant and take a database-wide lock).
    static func withFixture(
        _ backend: Backend,
        settings: TenantSettingsPatch = .init(),
        isolated: Bool = false,
        _ body: @Sendable (Fixture) async throws -> Void
    ) async throws {
        if isolated, backend.isPostgres {
            try await TestDatabase.withFreshStore(rotationBatches: backend.rotationBatches, pooling: backend.pooling) { store, url in
                try await fixture(store, settings: settings, databaseURL: url, body)
            }
            return
        }
        try await StoreContractTests.withStore(backend) { base in try await fixture(base, settings: settings, databaseURL: nil, body) }
    }

    static func fixture(
        _ base: any BatonStore,
        settings: TenantSettingsPatch,
        databaseURL: String?,
        _ body: @Sendable (Fixture) async throws -> Void
    ) async throws {
        do {
            let store = AnyStore(base)
            let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
            let logger = Logger(label: "t")
            let sealer = SecretSealer(current: .generate())
            let cache = JWKSCache()
            let factory = SigningKeyFactory(sealer: sealer)
            let tenants = TenantService(store: store, keyFactory: factory, jwksCache: cache, clock: clock, logger: logger)
            let tenant = try await tenants.create(slug: "k-\(UUID().uuidString.prefix(8).lowercased())", displayName: nil, settings: settings)
            let ring = SigningKeyRing(sealer: sealer)
            let rotation = KeyRotationService(
                store: store,
                keyFactory: factory,
                tenants: tenants,
                jwksCache: cache,
                signingKeys: ring,
                audit: AuditLog(store: store, clock: clock, logger: logger),
                clock: clock,
                logger: logger
            )
            try await body(
                Fixture(
                    store: store,
                    tenant: tenant,
                    clock: clock,
                    rotation: rotation,
                    keys: KeyService(store: store, jwksCache: cache),
                    ring: ring,
                    databaseURL: databaseURL
                )
            )
        }
    }

    @Test(
        "the whole lifecycle: refused while unsafe, rotated, old tokens verify through the retiring window, then retired and erased",
        arguments: Backend.allCases
    )
    func lifecycle(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(accessTokenTTL: 900, jwksMaxAge: 600)) { f in
            await #expect(throws: BatonError.self) { _ = try await f.rotation.rotate(tenant: f.tenant, force: false, algorithm: nil, actor: "test") }
            f.clock.advance(by: 600)
            let before = try await f.sign()
            let jwksBefore = try await f.jwksKIDs()
            _ = try await f.rotation.rotate(tenant: f.tenant, force: false, algorithm: nil, actor: "test")
            #expect(try await f.states() == [.retiring: 1, .active: 1, .pending: 1])
            let after = try await f.sign()
            #expect(Fixture.kid(of: after) != Fixture.kid(of: before))
            // A resource server holding the JWKS from before the rotation knows the new signing key already.
            #expect(jwksBefore.contains(try #require(Fixture.kid(of: after))))
            #expect(try await f.jwksKIDs().count == 3)
            f.clock.advance(by: 899)
            #expect(try await f.verifies(before))
            #expect(try await f.rotation.retireExpired(tenant: f.tenant, actor: "test").isEmpty)
            f.clock.advance(by: 61)
            let retired = try await f.rotation.retireExpired(tenant: f.tenant, actor: "test")
            #expect(retired == [try #require(Fixture.kid(of: before))])
            let stored = try await f.store.signingKeys(tenantID: f.tenant.id).first { $0.kid == retired.first }
            #expect(stored?.state == .retired)
            #expect(stored?.sealedPrivateKey == nil)
            #expect(!(try await f.jwksKIDs()).contains(retired[0]))
            let events = try await f.store.auditEvents(tenantID: f.tenant.id, kind: nil, before: nil, limit: 50).map(\.kind)
            #expect(events.contains(.keyRotated) && events.contains(.keyRetired))
        }
    }

    @Test("force rotates at once and is audited as forced", arguments: Backend.allCases)
    func force(_ backend: Backend) async throws {
        try await Self.withFixture(backend) { f in
            _ = try await f.rotation.rotate(tenant: f.tenant, force: true, algorithm: nil, actor: "admin:test")
            let event = try #require(try await f.store.auditEvents(tenantID: f.tenant.id, kind: .keyRotated, before: nil, limit: 1).first)
            #expect(event.details["forced"] == "true")
            #expect(event.actor == "admin:test")
        }
    }

    @Test("emergency revocation of the active key: gone from JWKS, its tokens rejected, the pending key signs", arguments: Backend.allCases)
    func revokeActive(_ backend: Backend) async throws {
        try await Self.withFixture(backend) { f in
            let token = try await f.sign()
            let kid = try #require(Fixture.kid(of: token))
            let pendingKID = try #require(try await f.store.signingKeys(tenantID: f.tenant.id).first { $0.state == .pending }?.kid)
            let active = try await f.rotation.revoke(tenant: f.tenant, kid: kid, actor: "test")
            #expect(active == pendingKID)
            #expect(!(try await f.jwksKIDs()).contains(kid))
            #expect(try await !f.verifies(token))
            #expect(Fixture.kid(of: try await f.sign()) == pendingKID)
            #expect(try await f.states() == [.revoked: 1, .active: 1, .pending: 1])
            let revoked = try await f.store.signingKeys(tenantID: f.tenant.id).first { $0.kid == kid }
            #expect(revoked?.sealedPrivateKey == nil)
            await #expect(throws: BatonError.self) { _ = try await f.rotation.revoke(tenant: f.tenant, kid: kid, actor: "test") }
            await #expect(throws: BatonError.notFound("no such key")) {
                _ = try await f.rotation.revoke(tenant: f.tenant, kid: "unknown", actor: "test")
            }
        }
    }

    @Test("algorithm switch ES256 → EdDSA → RS256 with tokens of each verifying during the overlap", arguments: Backend.allCases)
    func algorithmSwitch(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(accessTokenTTL: 900, jwksMaxAge: 60)) { f in
            var tenant = f.tenant
            var tokens: [String] = [try await f.sign()]
            for next in [SigningAlgorithm.edDSA, .rs256] {
                f.clock.advance(by: 61)
                _ = try await f.rotation.rotate(tenant: tenant, force: false, algorithm: next, actor: "test")
                tenant.settings.signingAlgorithm = next
                f.clock.advance(by: 61)
                _ = try await f.rotation.rotate(tenant: tenant, force: false, algorithm: nil, actor: "test")
                tokens.append(try await f.sign())
            }
            let algorithms = tokens.compactMap { token -> String? in
                guard let data = Base64URL.decode(String(token.split(separator: ".")[0])) else { return nil }
                return (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["alg"] as? String
            }
            #expect(algorithms == ["ES256", "EdDSA", "RS256"])
            // The EdDSA and RS256 tokens are within their key's lifetime; the ES256 key retired after its window.
            #expect(try await f.verifies(tokens[1]))
            #expect(try await f.verifies(tokens[2]))
        }
    }

    @Test("a resource server caching JWKS for jwks_max_age never meets an unknown kid across scheduled rotations", arguments: Backend.allCases)
    func resourceServerCache(_ backend: Backend) async throws {
        try await Self.withFixture(backend, settings: .init(accessTokenTTL: 300, jwksMaxAge: 600)) { f in
            var cached = try await f.jwksKIDs()
            var cachedAt = f.clock.now()
            for step in 0..<40 {
                f.clock.advance(by: 97)
                if step % 7 == 6 { _ = try await f.rotation.rotate(tenant: f.tenant, force: false, algorithm: nil, actor: "scheduler") }
                _ = try await f.rotation.retireExpired(tenant: f.tenant, actor: "scheduler")
                if f.clock.now().timeIntervalSince(cachedAt) >= 600 {
                    cached = try await f.jwksKIDs()
                    cachedAt = f.clock.now()
                }
                let kid = try #require(Fixture.kid(of: try await f.sign()))
                #expect(cached.contains(kid), "step \(step): signed with \(kid), unknown to a cache from \(cachedAt)")
            }
        }
    }

    @Test("concurrent rotations: exactly one applies, the others are conflicts, never two active keys", arguments: Backend.allCases)
    func concurrentRotations(_ backend: Backend) async throws {
        try await Self.withFixture(backend) { f in
            let outcomes = await RefreshRotationTests.race(8) {
                try await f.rotation.rotate(tenant: f.tenant, force: true, algorithm: nil, actor: "test")
            }
            #expect(outcomes.filter { (try? $0.get()) != nil }.count >= 1)
            let states = try await f.states()
            #expect(states[.active] == 1)
            #expect(states[.pending] == 1)
        }
    }
}
