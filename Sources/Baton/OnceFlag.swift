import Synchronization

/// A flag set once and never cleared: start-up work done (`/readyz` fails until then), shutdown begun (it fails
/// from then on).
final class OnceFlag: Sendable {
    private let value = Atomic<Bool>(false)

    init() {}

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}
