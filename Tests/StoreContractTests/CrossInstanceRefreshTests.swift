import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// Two Baton instances (their own connection pools, key rings and services) on one PostgreSQL database,
/// refreshing the same token at once.
@Suite("Refresh races across two instances")
struct CrossInstanceRefreshTests {
    @Test("32 concurrent refreshes split over two instances: grace 0 → exactly one wins; grace 10 → one successor for all", arguments: [0, 10])
    func race(grace: Int) async throws {
        let sealer = SecretSealer(current: .generate())
        try await TestDatabase.withStore { storeA in
            try await TestDatabase.withStore { storeB in
                let clock = SystemClock()
                let logger = Logger(label: "t")
                let tenants = TenantService(
                    store: storeA,
                    keyFactory: SigningKeyFactory(sealer: sealer),
                    jwksCache: JWKSCache(),
                    clock: clock,
                    logger: logger
                )
                let tenant = try await tenants.create(
                    slug: "x-\(UUID().uuidString.prefix(8).lowercased())",
                    displayName: nil,
                    settings: .init(reuseGrace: grace)
                )
                let now = clock.now()
                try await storeA.createClient(Client.publicApp(of: tenant.id, at: now))
                let user = User.sessionOwner(of: tenant.id, at: now)
                try await storeA.createUser(user)
                let instanceA = RefreshTokenGrant.forTests(store: storeA, sealer: sealer, clock: clock, logger: logger)
                let instanceB = RefreshTokenGrant.forTests(store: storeB, sealer: sealer, clock: clock, logger: logger)
                let (session, token) = try await instanceA.startSession(
                    tenant: tenant,
                    userID: user.id,
                    clientID: "app",
                    scope: [],
                    audience: [],
                    userAgent: nil,
                    ipAddress: nil
                )

                let outcomes = await withTaskGroup(of: Result<RefreshResult, any Error>.self) { group in
                    for index in 0..<32 {
                        group.addTask {
                            do {
                                let instance = index.isMultiple(of: 2) ? instanceA : instanceB
                                return .success(try await instance.spend(tenant: tenant, presented: token.encoded, clientID: "app"))
                            } catch { return .failure(error) }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                let successes = outcomes.compactMap { try? $0.get() }
                let stored = try #require(try await storeB.session(tenantID: tenant.id, id: session.id))
                #expect(stored.generation == 1, "the chain advanced exactly once")
                #expect(successes.filter { $0.kind == .rotated }.count == 1)
                if grace == 0 {
                    #expect(successes.count == 1)
                    for failure in outcomes where (try? failure.get()) == nil {
                        #expect(throws: OAuthError.self) { try failure.get() }
                    }
                } else {
                    #expect(successes.count == 32)
                    #expect(Set(successes.map(\.refreshToken.encoded)).count == 1, "never a fork")
                    #expect(stored.revokedAt == nil)
                }
                #expect(stored.currentHash == RefreshChain.digest(try #require(successes.first).refreshToken.secret))
            }
        }
    }
}
