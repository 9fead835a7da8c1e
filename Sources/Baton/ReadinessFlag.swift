import Synchronization

/// Set once start-up work (schema check, migrations) has finished; `/readyz` fails until then.
final class ReadinessFlag: Sendable {
    private let ready = Atomic<Bool>(false)

    init(ready: Bool = false) { self.ready.store(ready, ordering: .relaxed) }

    var isSet: Bool { ready.load(ordering: .acquiring) }

    func set() { ready.store(true, ordering: .releasing) }
}
