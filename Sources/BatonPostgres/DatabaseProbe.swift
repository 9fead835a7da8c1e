import BatonCore
import Logging
import PostgresNIO
import ServiceLifecycle

/// Asks the database `SELECT 1` every `interval` over a connection of its own, outside the request pool (where
/// the question would queue behind the requests it is meant to spare), and records in `DatabaseAvailability`
/// whether it answered within `timeout`.
public struct DatabaseProbe: Service {
    let client: PostgresClient
    let availability: DatabaseAvailability
    let interval: Duration
    let timeout: Duration
    /// What the interval and the timeout are measured on.
    let clock: AnyClock
    /// Called each time the database is found silent (after answering).
    let onSilent: @Sendable () -> Void
    let logger: Logger

    /// `configuration` is the service's; the probe opens its own single connection with it.
    public init(
        configuration: PostgresClient.Configuration,
        availability: DatabaseAvailability,
        interval: Duration = .seconds(1),
        timeout: Duration = .seconds(2),
        clock: AnyClock = .continuous,
        logger: Logger,
        onSilent: @escaping @Sendable () -> Void = {}
    ) {
        var configuration = configuration
        configuration.options.minimumConnections = 0  // see BatonApplication: a standing minimum traps after a restart
        configuration.options.maximumConnections = 1
        configuration.options.connectTimeout = timeout
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.availability = availability
        self.interval = interval
        self.timeout = timeout
        self.clock = clock
        self.onSilent = onSilent
        self.logger = logger
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            await cancelWhenGracefulShutdown { await probeUntilCancelled() }
            group.cancelAll()
        }
    }

    private func probeUntilCancelled() async {
        while !Task.isCancelled {
            let answered = await answersInTime()
            if availability.record(answering: answered) {
                if answered {
                    logger.notice("the database answers again")
                } else {
                    logger.error("the database does not answer; requests fail fast until it does", metadata: ["timeout": "\(timeout)"])
                    onSilent()
                }
            }
            do { try await clock.sleep(for: interval) } catch { return }
        }
    }

    /// Whether `SELECT 1` is answered within `timeout`.
    private func answersInTime() async -> Bool {
        await FirstAnswer.within(timeout, on: clock, otherwise: false) { [client, logger] in
            (try? await client.query("SELECT 1", logger: logger)) != nil
        }
    }
}
