import BatonCore
import BatonTestSupport
import Foundation
import Logging
import Testing

@Suite("Login throttling on the shared store")
struct LoginThrottleTests {
    typealias Backend = StoreContractTests.Backend

    @Test("limits per account+source, recovery when the window ends, success clears the account", arguments: Backend.allCases)
    func window(_ backend: Backend) async throws {
        try await StoreContractTests.withStore(backend) { store in
            let (tenant, throttle, clock) = try await Self.throttle(on: store, prefix: "th")
            for _ in 0..<5 {
                try await throttle.check(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
                try await throttle.recordFailure(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
            }
            await #expect(throws: BatonError.self) { try await throttle.check(tenant: tenant, username: "ada", sourceIP: "10.0.0.1") }
            // Another source, or another account, is not locked.
            try await throttle.check(tenant: tenant, username: "ada", sourceIP: "10.0.0.2")
            try await throttle.check(tenant: tenant, username: "bob", sourceIP: "10.0.0.1")
            // The lock lasts one window at most.
            clock.advance(by: 899)
            await #expect(throws: BatonError.self) { try await throttle.check(tenant: tenant, username: "ada", sourceIP: "10.0.0.1") }
            clock.advance(by: 2)
            try await throttle.check(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
            // A new window counts from one again; a success clears the account.
            try await throttle.recordFailure(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
            try await throttle.recordSuccess(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
            for _ in 0..<4 { try await throttle.recordFailure(tenant: tenant, username: "ada", sourceIP: "10.0.0.1") }
            try await throttle.check(tenant: tenant, username: "ada", sourceIP: "10.0.0.1")
        }
    }

    @Test("the per-source limit stops a sprayer across accounts", arguments: Backend.allCases)
    func perSource(_ backend: Backend) async throws {
        try await StoreContractTests.withStore(backend) { store in
            let (tenant, throttle, _) = try await Self.throttle(on: store, prefix: "sp")
            for index in 0..<50 { try await throttle.recordFailure(tenant: tenant, username: "user\(index)", sourceIP: "10.9.9.9") }
            await #expect(throws: BatonError.self) { try await throttle.check(tenant: tenant, username: "fresh", sourceIP: "10.9.9.9") }
            try await throttle.check(tenant: tenant, username: "fresh", sourceIP: "10.9.9.8")
        }
    }

    /// A fresh tenant on `store` and a throttle over it with a manual clock.
    static func throttle(on store: any BatonStore, prefix: String) async throws -> (Tenant, LoginThrottle<AnyStore>, ManualClock) {
        let clock = ManualClock()
        let anyStore = AnyStore(store)
        let tenant = try await TenantService(
            store: anyStore, keyFactory: SigningKeyFactory(sealer: SecretSealer(current: .generate())), jwksCache: JWKSCache(), clock: clock,
            logger: Logger(label: "t")
        ).create(slug: "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())", displayName: nil, settings: .init())
        return (tenant, LoginThrottle(store: anyStore, clock: clock), clock)
    }
}
