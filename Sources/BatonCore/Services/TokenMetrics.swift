import Foundation

/// What Core reports about logins and refreshes; the HTTP layer turns it into Prometheus counters.
public protocol TokenMetrics: Sendable {
    func login(succeeded: Bool)
    func refresh(_ outcome: RefreshOutcome)
}

/// How a refresh request ended.
public enum RefreshOutcome: String, Sendable, CaseIterable {
    case rotated
    case retried
    case reuse
    case invalid
}

/// Records nothing (tests, tools).
public struct NoTokenMetrics: TokenMetrics {
    public init() {}
    public func login(succeeded: Bool) {}
    public func refresh(_ outcome: RefreshOutcome) {}
}

/// What Core reports about signing keys: rotations and revocations, and each tenant's key states and ages.
public protocol KeyMetrics: Sendable {
    func keyRotated(tenant: TenantSlug, forced: Bool)
    func keyRevoked(tenant: TenantSlug)
    /// Called by the scheduler for every tenant on each pass.
    func observeKeys(tenant: TenantSlug, keys: [SigningKey], now: Date)
}

extension NoTokenMetrics: KeyMetrics {
    public func keyRotated(tenant: TenantSlug, forced: Bool) {}
    public func keyRevoked(tenant: TenantSlug) {}
    public func observeKeys(tenant: TenantSlug, keys: [SigningKey], now: Date) {}
}
