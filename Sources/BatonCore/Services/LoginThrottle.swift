import Foundation

/// Brute-force limits on login, counted in the store so every instance shares them. Three keys per attempt:
/// the account from this source (the tight limit), the source over all accounts, and the account over all
/// sources (against distributed guessing). A key at its limit refuses attempts until its window ends, so nobody
/// can lock an account for longer than one window, and a refused attempt is not counted.
public struct LoginThrottle<Store: LoginThrottleStore>: Sendable {
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

    /// Counts this attempt against all three keys before the password is checked, atomically in the store; throws
    /// `rateLimited` (with the seconds until the window ends), counting nothing, if any key is at its limit. A
    /// concurrent burst is therefore refused past the limit like a sequential one. Settle the reservation with
    /// `succeeded` or `abandoned`; a wrong password leaves it counted.
    public func reserve(tenant: Tenant, username: String, sourceIP: String?) async throws {
        let limits = Dictionary(uniqueKeysWithValues: Self.keys(username: username, sourceIP: sourceIP).map { ($0.key, limit(for: $0.kind)) })
        guard try await store.reserveLoginAttempt(tenantID: tenant.id, limits: limits, now: clock.now(), window: policy.window) else {
            throw BatonError.rateLimited("too many failed logins; try again later", retryAfter: policy.window)
        }
    }

    /// A correct password: the account's counters are cleared and the source's attempt given back (one good
    /// password does not excuse a sprayer's earlier failures, nor count as one).
    public func succeeded(tenant: Tenant, username: String, sourceIP: String?) async throws {
        let keys = Self.keys(username: username, sourceIP: sourceIP)
        try await store.clearLoginFailures(tenantID: tenant.id, keys: keys.filter { $0.kind != .source }.map(\.key))
        try await store.releaseLoginAttempt(
            tenantID: tenant.id,
            keys: keys.filter { $0.kind == .source }.map(\.key),
            now: clock.now(),
            window: policy.window
        )
    }

    /// The attempt was no guess (the password could not be checked): every key gets it back.
    public func abandoned(tenant: Tenant, username: String, sourceIP: String?) async throws {
        try await store.releaseLoginAttempt(
            tenantID: tenant.id,
            keys: Self.keys(username: username, sourceIP: sourceIP).map(\.key),
            now: clock.now(),
            window: policy.window
        )
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
