import BatonCore
import Logging
import ServiceLifecycle
import Synchronization

/// Answers every store operation within `timeout`, even when the driver never does. PostgresNIO 1.33 loses a query
/// written to a connection the server has just closed (a restart, `pg_terminate_backend`, a proxy cutting idle
/// connections): its caller would wait for ever, and with it the HTTP request and a graceful shutdown. Past the
/// deadline the caller gets `unavailable` and the operation is cancelled. Like any unanswered request it may
/// still have committed; a client retries it (a refresh within the tenant's grace window gets the same successor).
///
/// One sweep every `timeout / 10` (10 ms to 1 s) finds the overdue operations, so none needs a timer of its own.
public final class DatabaseDeadline: Service, Sendable {
    public let timeout: Duration
    /// What deadlines are set and judged by, and the sweep waits on.
    public let clock: AnyClock
    private let sweepInterval: Duration
    private let logger: Logger
    /// Told the name of each operation abandoned (for a metric).
    private let onAbandon: @Sendable (_ operation: String) -> Void
    private let pending = Mutex<[ObjectIdentifier: PendingOperation]>([:])

    /// An operation in flight: when it is due, and how to give up on it.
    private struct PendingOperation: Sendable {
        let due: AnyClock.Instant
        let name: StaticString
        /// Settles the caller's answer with this error; false when the operation had answered first.
        let abandon: @Sendable (BatonError) -> Bool
        let work: Task<Void, Never>
    }

    public init(
        timeout: Duration,
        clock: AnyClock = .continuous,
        logger: Logger,
        onAbandon: @escaping @Sendable (_ operation: String) -> Void = { _ in }
    ) {
        self.timeout = timeout
        self.clock = clock
        self.sweepInterval = min(max(timeout / 10, .milliseconds(10)), .seconds(1))
        self.logger = logger
        self.onAbandon = onAbandon
    }

    /// Runs `body` in a task of its own and answers with its outcome, or with `unavailable` once `timeout` has passed.
    public func enforce<Value: Sendable>(
        operation: StaticString,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let due = clock.now.advanced(by: timeout)
        let answer = FirstAnswer<Value>()
        return try await withCheckedThrowingContinuation { continuation in
            answer.await(continuation)
            let work = Task {
                await answer.settle(byRunning: body)
                self.finished(answer)
            }
            watch(answer, operation: operation, due: due, work: work) { answer.settle(.failure($0)) }
        }
    }

    /// Watches `work`, already running for the operation `key` stands for: at `due`, or once the database is found
    /// silent, `abandon` is told why, and when that settled the operation's answer, `work` is cancelled and the
    /// abandonment reported. `finished(_:)` ends the watch once `work` has answered; should it come first, the entry
    /// stays until it is due and is then dropped unused.
    func watch(
        _ key: AnyObject,
        operation: StaticString,
        due: AnyClock.Instant,
        work: Task<Void, Never>,
        abandon: @escaping @Sendable (BatonError) -> Bool
    ) {
        let pendingOperation = PendingOperation(due: due, name: operation, abandon: abandon, work: work)
        pending.withLock { $0[ObjectIdentifier(key)] = pendingOperation }
    }

    /// Ends the watch of `key`'s operation: it has answered.
    func finished(_ key: AnyObject) {
        _ = pending.withLock { $0.removeValue(forKey: ObjectIdentifier(key)) }
    }

    /// Operations now waiting for an answer.
    public var inFlight: Int { pending.withLock { $0.count } }

    /// Sweeps until graceful shutdown; added before the HTTP server, so it stops after the server has drained.
    /// Stopping is not a failure: it returns rather than throw (a service that throws fails the process's exit).
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await self.clock.sleep(for: self.sweepInterval) } catch { return }
                self.abandonOverdue(now: self.clock.now)
            }
        }
    }

    /// Answers `unavailable` to every operation due by `now` and cancels its work (a lease still waiting gives up).
    func abandonOverdue(now: AnyClock.Instant) {
        abandon(.databaseTimedOut, reason: "no answer in time") { $0.due <= now }
    }

    /// Answers `unavailable` at once to every operation in flight: `DatabaseProbe` found the database silent, and
    /// they would only wait out their deadline.
    public func abandonAll() {
        abandon(.databaseSilent, reason: "the database does not answer") { _ in true }
    }

    private func abandon(_ error: BatonError, reason: String, where isAbandoned: (PendingOperation) -> Bool) {
        let abandoned = pending.withLock { pending in
            let abandoned = pending.filter { isAbandoned($0.value) }
            for id in abandoned.keys { pending.removeValue(forKey: id) }
            return abandoned.values
        }
        for operation in abandoned where operation.abandon(error) {
            operation.work.cancel()
            reportAbandoned(operation.name, reason: reason)
        }
    }

    /// Counts and logs an operation answered `unavailable` at its deadline: one of this deadline's, or one whose
    /// deadline passed before it could start (a rotation still waiting for its batch).
    func reportAbandoned(_ operation: StaticString, reason: String) {
        onAbandon("\(operation)")
        logger.warning("database operation abandoned", metadata: ["operation": "\(operation)", "reason": "\(reason)", "timeout": "\(timeout)"])
    }
}
