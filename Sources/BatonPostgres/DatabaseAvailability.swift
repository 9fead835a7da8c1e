import BatonCore
import Synchronization

/// Whether the database answered `DatabaseProbe`'s latest question. `PostgresStore` checks it before every query:
/// while the database does not answer, requests fail at once (503) instead of queueing in the connection pool,
/// which holds a lease for up to a minute before it gives up on connecting.
public final class DatabaseAvailability: Sendable {
    private let answering = Atomic<Bool>(true)

    public init() {}

    public var isAnswering: Bool { answering.load(ordering: .relaxed) }

    /// Throws `unavailable` while the database does not answer.
    func requireAnswering() throws(BatonError) {
        guard isAnswering else { throw .databaseSilent }
    }

    /// Records a probe's outcome; true when that changed the state.
    @discardableResult
    public func record(answering now: Bool) -> Bool {
        answering.exchange(now, ordering: .relaxed) != now
    }
}
