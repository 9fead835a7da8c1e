import Synchronization

/// Bounds the store operations in flight on one instance. PostgresNIO queues a request for a connection without
/// limit; past `limit`, `PostgresStore` refuses at once (503) instead, so an exhausted pool sheds load quickly
/// rather than letting every request wait its turn.
public final class DatabaseAdmission: Sendable {
    private let inFlight = Atomic<Int>(0)
    public let limit: Int

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Takes a place if one is free; the caller must `leave()` after a true answer.
    public func enter() -> Bool {
        if inFlight.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        inFlight.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    public func leave() {
        inFlight.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Operations in flight now.
    public var count: Int { inFlight.load(ordering: .relaxed) }
}
