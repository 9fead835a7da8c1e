import Foundation

/// The wall clock Core reads; injected so tests can move time without sleeping.
public protocol BatonClock: Sendable {
    func now() -> Date
}

/// The real wall clock.
public struct SystemClock: BatonClock {
    public init() {}
    public func now() -> Date { Date() }
}
