import BatonCore
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Listens for `ChangeNotice`s from every instance (Postgres `LISTEN`) and hands them to `onNotice`; reconnects
/// after a dropped connection, and calls `onReload` periodically and after each reconnect, since notices sent
/// while it was not listening are lost. Its connection is its own, never the pool's: a notice is delivered to
/// the server session that listens, which a transaction-mode pooler does not keep for a client.
public struct ChangeListener: Service {
    /// The direct (unpooled) connection's settings (`BATON_DATABASE_LISTEN_URL`).
    let configuration: PostgresConnection.Configuration
    /// Whether notices reach this instance now; readiness fails while they cannot.
    public let state: State
    let reloadInterval: Duration
    /// What the reload interval and the pause before reconnecting are measured on.
    let clock: AnyClock
    /// Start-up (schema check) must be done first: a failed start-up shuts the client down, and a lease on a
    /// shut-down client would wait forever.
    let started: OnceFlag
    let onNotice: @Sendable (ChangeNotice) async -> Void
    let onReload: @Sendable () async -> Void
    let logger: Logger

    public init(
        configuration: PostgresConnection.Configuration,
        state: State = State(),
        reloadInterval: Duration = .seconds(30),
        clock: AnyClock = .continuous,
        logger: Logger,
        started: OnceFlag,
        onNotice: @escaping @Sendable (ChangeNotice) async -> Void,
        onReload: @escaping @Sendable () async -> Void
    ) {
        self.configuration = configuration
        self.state = state
        self.started = started
        self.reloadInterval = reloadInterval
        self.clock = clock
        self.onNotice = onNotice
        self.onReload = onReload
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            do { try await started.wait() } catch { return }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await listenForever() }
                group.addTask { await reloadForever() }
                await group.waitForAll()
            }
        }
    }

    private func listenForever() async {
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                var failure: (any Error)?
                do {
                    try await connection.listen(on: ChangeNotice.channel) { notifications in
                        await onReload()  // anything missed before this LISTEN took effect
                        state.set(listening: true)
                        for try await notification in notifications {
                            if let notice = ChangeNotice(payload: notification.payload) { await onNotice(notice) }
                        }
                    }
                } catch {
                    failure = error
                }
                state.set(listening: false)
                try? await connection.close()
                if let failure { throw failure }
            } catch {
                if Task.isCancelled { return }
                logger.warning("change listener lost its connection; reconnecting", metadata: ["error_type": "\(type(of: error))"])
                do { try await clock.sleep(for: .seconds(1)) } catch { return }
            }
        }
    }

    private func reloadForever() async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: reloadInterval) } catch { return }
            await onReload()
        }
    }
}

extension ChangeListener {
    /// Whether the listener is connected and listening, its caches reloaded since it began.
    public final class State: Sendable {
        private let listening = Atomic(false)
        private let firstListen = OnceFlag()

        public init() {}

        public var isListening: Bool { listening.load(ordering: .acquiring) }

        func set(listening value: Bool) {
            listening.store(value, ordering: .releasing)
            if value { firstListen.set() }
        }

        /// Returns once the listener first listens; throws if it did not within `patience` on `clock` (start-up
        /// must not open the port of an instance that cannot hear of a key revocation). `destination` names the
        /// listener's database in the message.
        public func waitUntilListening(within patience: Duration, on clock: AnyClock, destination: String) async throws(StartupCheckFailure) {
            let listened = await FirstAnswer.within(patience, on: clock, otherwise: false) { [firstListen] in
                (try? await firstListen.wait()) != nil
            }
            guard listened else {
                throw StartupCheckFailure("no change notices could be listened for at \(destination) within \(patience.components.seconds) s")
            }
        }
    }
}
