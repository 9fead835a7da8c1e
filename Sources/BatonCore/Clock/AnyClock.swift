/// Swift's `Clock`, erased to offsets from the moment it was wrapped: what every timeout, deadline, probe
/// interval, retry, batch and schedule in Baton reads and waits on, so that a test passes a clock it moves itself.
///
/// Instants of two `AnyClock`s made separately do not compare: components that pass instants to each other (the
/// rotation batcher's deadlines to the operation deadline) must share one.
public struct AnyClock: Clock {
    /// A point on this clock: how long after the wrapped clock's reading when this was made.
    public struct Instant: InstantProtocol {
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Self { Self(offset: offset + duration) }
        public func duration(to other: Self) -> Duration { other.offset - offset }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
    }

    private let reading: @Sendable () -> Duration
    private let sleeping: @Sendable (_ until: Duration, _ tolerance: Duration?) async throws -> Void
    public let minimumResolution: Duration

    public init<Wrapped: Clock>(_ clock: Wrapped) where Wrapped.Duration == Duration {
        let origin = clock.now
        reading = { origin.duration(to: clock.now) }
        sleeping = { offset, tolerance in try await clock.sleep(until: origin.advanced(by: offset), tolerance: tolerance) }
        minimumResolution = clock.minimumResolution
    }

    /// A clock that already counts in `AnyClock` instants (a test's clock): its instants are used as they are, so
    /// every wrapper of it, made at any time, reads the same instants as the clock itself.
    public init<Wrapped: Clock>(instantsOf clock: Wrapped) where Wrapped.Instant == Instant {
        reading = { clock.now.offset }
        sleeping = { offset, tolerance in try await clock.sleep(until: Instant(offset: offset), tolerance: tolerance) }
        minimumResolution = clock.minimumResolution
    }

    /// The real monotonic clock, one shared instance so that its instants compare everywhere.
    public static let continuous = AnyClock(ContinuousClock())

    public var now: Instant { Instant(offset: reading()) }

    /// Returns at `deadline`; throws `CancellationError` at once if the task is cancelled first.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleeping(deadline.offset, tolerance)
    }
}
