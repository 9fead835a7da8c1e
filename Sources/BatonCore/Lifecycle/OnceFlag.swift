import Synchronization

/// A flag set once and never cleared: start-up work done (`/readyz` fails until then, scheduled work and the change
/// listener wait for it), shutdown begun (`/readyz` fails from then on).
public final class OnceFlag: Sendable {
    private let value = Atomic<Bool>(false)

    public init(isSet: Bool = false) { value.store(isSet, ordering: .relaxed) }

    public var isSet: Bool { value.load(ordering: .acquiring) }

    public func set() { value.store(true, ordering: .releasing) }

    /// Returns once the flag is set, looking every `interval`; throws `CancellationError` if cancelled first.
    public func wait(polling interval: Duration = .milliseconds(100)) async throws {
        while !isSet { try await Task.sleep(for: interval) }
    }
}
