import Foundation

/// Brute-force limits on login, counted in the store so every instance shares them. Three keys per attempt:
/// the account from this source (the tight limit), the source over all accounts, and the account over all
/// sources (against distributed guessing). A key over its limit refuses attempts until its window ends,
/// so nobody can lock an account for longer than one window, and a refused attempt is not counted.
public struct LoginThrottle<Store: BatonStore>: Sendable {
    public struct Policy: Sendable {
        public var window = 900
        public var perAccountAndSource = 5
        public var perSource = 50
        public var perAccount = 100
        public init() {}
    }

    let store: Store
    let policy: Policy
    let clock: any BatonClock

    public init(store: Store, policy: Policy = .init(), clock: any BatonClock) {
        self.store = store
        self.policy = policy
        self.clock = clock
    }

    /// Throws `rateLimited` (with the seconds until the window ends) if any key is over its limit.
    public func check(tenant: Tenant, username: String, sourceIP: String?) async throws {
        let keys = Self.keys(username: username, sourceIP: sourceIP)
        let counts = try await store.loginFailures(tenantID: tenant.id, keys: keys.map(\.key), now: clock.now(), window: policy.window)
        for (key, limit) in keys.map({ ($0.key, limit(for: $0.kind)) }) where (counts[key] ?? 0) >= limit {
            throw BatonError.rateLimited("too many failed logins; try again later", retryAfter: policy.window)
        }
    }

    public func recordFailure(tenant: Tenant, username: String, sourceIP: String?) async throws {
        try await store.recordLoginFailure(tenantID: tenant.id, keys: Self.keys(username: username, sourceIP: sourceIP).map(\.key), now: clock.now(), window: policy.window)
    }

    /// A successful login clears the account's counters (not the source's: one good password does not excuse a sprayer).
    public func recordSuccess(tenant: Tenant, username: String, sourceIP: String?) async throws {
        let keys = Self.keys(username: username, sourceIP: sourceIP).filter { $0.kind != .source }.map(\.key)
        try await store.clearLoginFailures(tenantID: tenant.id, keys: keys)
    }

    enum KeyKind { case accountAndSource, source, account }

    static func keys(username: String, sourceIP: String?) -> [(kind: KeyKind, key: String)] {
        // Digest the username: keys are bounded in size, and the table does not list who was attacked in clear.
        let account = Base64URL.encode(SecretDigest.sha256(username).prefix(16))
        let source = sourceIP ?? "unknown"
        return [(.accountAndSource, "as:\(account):\(source)"), (.source, "s:\(source)"), (.account, "a:\(account)")]
    }

    private func limit(for kind: KeyKind) -> Int {
        switch kind {
        case .accountAndSource: policy.perAccountAndSource
        case .source: policy.perSource
        case .account: policy.perAccount
        }
    }
}
