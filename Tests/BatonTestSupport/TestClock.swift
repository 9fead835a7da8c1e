import BatonCore
import Synchronization
import Testing

/// A `Clock` that moves only when a test says so: sleepers wake when `advance` reaches their deadline, and a test
/// waits for a component to be asleep before moving time, so events happen in the order the test chose whatever the
/// machine's load. Modelled on postgres-nio's `MockClock`.
public final class TestClock: Clock, Sendable {
    public typealias Instant = AnyClock.Instant

    private struct Sleeper {
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }
    /// A test waiting until some sleeper's deadline is within `horizon` of now.
    private struct Watcher {
        let horizon: Duration
        let continuation: CheckedContinuation<Instant?, Never>
    }
    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        var watchers: [Int: Watcher] = [:]

        mutating func takeID() -> Int {
            defer { nextID += 1 }
            return nextID
        }

        /// The earliest sleeper's deadline if it is within `horizon` of now.
        func wakeUp(within horizon: Duration) -> Instant? {
            let earliest = sleepers.values.map(\.deadline).min()
            return earliest.flatMap { $0 <= now.advanced(by: horizon) ? $0 : nil }
        }
    }
    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// This clock, for the components that take an `AnyClock`; its instants are this clock's own.
    public var erased: AnyClock { AnyClock(instantsOf: self) }

    /// How many callers are asleep on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { $0.takeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let notified: [(Watcher, Instant)] = state.withLock { state in
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return []
                    }
                    if deadline <= state.now {
                        continuation.resume()
                        return []
                    }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    var notified: [(Watcher, Instant)] = []
                    for (watcherID, watcher) in state.watchers {
                        guard let wakeUp = state.wakeUp(within: watcher.horizon) else { continue }
                        state.watchers.removeValue(forKey: watcherID)
                        notified.append((watcher, wakeUp))
                    }
                    return notified
                }
                for (watcher, wakeUp) in notified { watcher.continuation.resume(returning: wakeUp) }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration` and wakes every sleeper whose deadline it reaches, earliest first.
    public func advance(by duration: Duration) {
        let woken = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for id in due.keys { state.sleepers.removeValue(forKey: id) }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Returns once someone sleeps until no later than `horizon` from now, with that deadline; nil if cancelled
    /// first. A sleeper further away (an attempt's timeout while the attempt is under way) is not waited for.
    @discardableResult
    public func sleeper(within horizon: Duration = .seconds(1_000_000)) async -> Instant? {
        let id = state.withLock { $0.takeID() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Instant?, Never>) in
                let ready: Instant?? = state.withLock { state in
                    if Task.isCancelled { return .some(nil) }
                    if let wakeUp = state.wakeUp(within: horizon) { return .some(wakeUp) }
                    state.watchers[id] = Watcher(horizon: horizon, continuation: continuation)
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let watcher = state.withLock { $0.watchers.removeValue(forKey: id) }
            watcher?.continuation.resume(returning: nil)
        }
    }

    /// Runs `body` while moving time to each wake-up within `horizon` as soon as someone sleeps until it: for code
    /// that waits several times on its way to an answer (retries, a sweep), whose answer is under test.
    @discardableResult
    public func advancing<Result: Sendable>(
        within horizon: Duration,
        _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask {
                while let wakeUp = await self.sleeper(within: horizon) {
                    self.advance(by: self.now.duration(to: wakeUp))
                    await Task.yield()
                }
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}

/// Waits for something that must happen (a task registered, a connection closed), looking every few milliseconds
/// up to a generous `limit`; fails the test with `what` if it never did. It judges nothing by time.
public func waitUntil(
    _ what: String,
    limit: Duration = .seconds(30),
    every interval: Duration = .milliseconds(5),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let giveUp = ContinuousClock.now.advanced(by: limit)
    while try await !condition() {
        guard ContinuousClock.now < giveUp else {
            Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        try await Task.sleep(for: interval)
    }
}
