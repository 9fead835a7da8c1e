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
