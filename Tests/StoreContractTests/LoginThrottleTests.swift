import BatonCore
import BatonTestSupport
import Foundation
import Logging
import Testing

@Suite("Login throttling on the shared store")
struct LoginThrottleTests {
    typealias Backend = StoreContractTests.Backend

    /// `count` wrong-password attempts in a row: each reserved, none given back.
    static func fail(
        _ throttle: LoginThrottle<AnyStore>,
        _ tenant: Tenant,
        _ username: String,
        from source: String,
        times count: Int = 1
    ) async throws {
        for _ in 0..<count { try await throttle.reserve(tenant: tenant, username: username, sourceIP: source) }
    }

    @Test("limits per account+source, recovery when the window ends, success clears the account", arguments: Backend.allCases)
    func window(_ backend: Backend) async throws {
        try await StoreContractTests.withStore(backend) { store in
            let (tenant, throttle, clock) = try await Self.throttle(on: store, prefix: "th")
            try await Self.fail(throttle, tenant, "ada", from: "10.0.0.1", times: 5)
            await #expect(throws: BatonError.self) { try await throttle.reserve(tenant: tenant, username: "ada", sourceIP: "10.0.0.1") }
            // Another source, or another account, is not locked.
            try await throttle.reserve(tenant: tenant, username: "ada", sourceIP: "10.0.0.2")
            try await throttle.reserve(tenant: tenant, username: "bob", sourceIP: "10.0.0.1")
            // The lock lasts one window at most.
            clock.advance(by: 899)
            await #expect(throws: BatonError.self) { try await throttle.reserve(tenant: tenant, username: "ada", sourceIP: "10.0.0.1") }
            clock.advance(by: 2)
            // A new window counts from one again; a success clears the account.
            try await throttle.reserve(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
            try await throttle.succeeded(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
            try await Self.fail(throttle, tenant, "ada", from: "10.0.0.1", times: 5)
            await #expect(throws: BatonError.self) { try await throttle.reserve(tenant: tenant, username: "ada", sourceIP: "10.0.0.1") }
        }
    }

    @Test("an abandoned attempt (no hash was checked) is given back on every key", arguments: Backend.allCases)
    func abandoned(_ backend: Backend) async throws {
        try await StoreContractTests.withStore(backend) { store in
            let (tenant, throttle, _) = try await Self.throttle(on: store, prefix: "ab")
            for _ in 0..<20 {
                try await throttle.reserve(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
                try await throttle.abandoned(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
            }
            try await Self.fail(throttle, tenant, "ada", from: "10.0.0.1", times: 5)
            await #expect(throws: BatonError.self) { try await throttle.reserve(tenant: tenant, username: "ada", sourceIP: "10.0.0.1") }
        }
    }

    @Test("the per-source limit stops a sprayer across accounts; a success does not give the sprayer its failures back", arguments: Backend.allCases)
    func perSource(_ backend: Backend) async throws {
        try await StoreContractTests.withStore(backend) { store in
            let (tenant, throttle, _) = try await Self.throttle(on: store, prefix: "sp")
            for index in 0..<49 { try await Self.fail(throttle, tenant, "user\(index)", from: "10.9.9.9") }
            try await throttle.reserve(tenant: tenant, username: "own", sourceIP: "10.9.9.9")
            try await throttle.succeeded(tenant: tenant, username: "own", sourceIP: "10.9.9.9")
            try await Self.fail(throttle, tenant, "user49", from: "10.9.9.9")
            await #expect(throws: BatonError.self) { try await throttle.reserve(tenant: tenant, username: "fresh", sourceIP: "10.9.9.9") }
            try await throttle.reserve(tenant: tenant, username: "fresh", sourceIP: "10.9.9.8")
        }
    }

    /// The three limits, each hit by a burst of concurrent attempts from one or two instances: exactly the limit
    /// is admitted, however the attempts interleave.
    struct Burst: CustomTestStringConvertible, Sendable {
        let name: String
        let limit: Int
        let attempts: Int
        /// The username and source of attempt `index`.
        let attempt: @Sendable (Int) -> (username: String, source: String)
        var testDescription: String { name }
    }

    static let bursts: [Burst] = [
        Burst(name: "account from one source", limit: 5, attempts: 24) { _ in ("ada", "10.0.0.1") },
        Burst(name: "one source over many accounts", limit: 50, attempts: 80) { ("user\($0)", "10.0.0.2") },
        Burst(name: "one account from many sources", limit: 100, attempts: 140) { ("ada", "10.1.\($0 / 4).\($0)") },
    ]

    static let burstCases: [(Backend, Burst)] = Backend.allCases.flatMap { backend in bursts.map { (backend, $0) } }

    @Test("a concurrent burst gets exactly the limit's attempts, no more than a sequential one", arguments: burstCases)
    func burst(_ backend: Backend, _ burst: Burst) async throws {
        try await StoreContractTests.withStore(backend) { storeA in
            // On PostgreSQL the burst is split over two instances with their own connection pools.
            try await Self.withSecondInstance(backend, or: storeA) { storeB in
                let (tenant, throttle, clock) = try await Self.throttle(on: storeA, prefix: "bu")
                let other = LoginThrottle(store: AnyStore(storeB), clock: clock)
                let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<burst.attempts {
                        group.addTask {
                            let (username, source) = burst.attempt(index)
                            do {
                                try await (index.isMultiple(of: 2) ? throttle : other).reserve(tenant: tenant, username: username, sourceIP: source)
                                return true
                            } catch let error as BatonError where error.kind == .rateLimited {
                                return false
                            }
                        }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(admitted == burst.limit)
            }
        }
    }

    static func withSecondInstance(_ backend: Backend, or store: any BatonStore, _ body: @Sendable (any BatonStore) async throws -> Void) async throws
    {
        guard backend.isPostgres else { return try await body(store) }
        try await TestDatabase.withStore(rotationBatches: backend.rotationBatches) { try await body($0) }
    }

    /// A fresh tenant on `store` and a throttle over it with a manual clock.
    static func throttle(on store: any BatonStore, prefix: String) async throws -> (Tenant, LoginThrottle<AnyStore>, ManualClock) {
        let clock = ManualClock()
        let anyStore = AnyStore(store)
        let tenant = try await TenantService(
            store: anyStore,
            keyFactory: SigningKeyFactory(sealer: SecretSealer(current: .generate())),
            jwksCache: JWKSCache(),
            clock: clock,
            logger: Logger(label: "t")
        ).create(slug: "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())", displayName: nil, settings: .init())
        return (tenant, LoginThrottle(store: anyStore, clock: clock), clock)
    }
}
