import ArgumentParser
import BatonCore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `baton serve`: runs the HTTP service until SIGTERM/SIGINT, then fails readiness, waits the shutdown delay,
/// drains and exits 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP service.", discussion: Setting.helpText)

    @OptionGroup var options: ServeOptions

    func run() async throws {
        var configuration = StartupFailure.exitOnError { () throws(ConfigurationError) in
            try ConfigurationResolver.resolve(options: options, environment: ProcessInfo.processInfo.environment)
        }
        // Memory mode without BATON_ADMIN_KEY gets a key for this run, printed once in the banner.
        let adminKeyWasGenerated = configuration.adminKey == nil && configuration.isMemory
        if adminKeyWasGenerated {
            configuration.adminKey = RandomSecret.token(prefix: AdminAuthenticator<MemoryStore>.keyPrefix)
        }
        if configuration.isMemory {
            configuration.demoPassword = RandomSecret.token(prefix: "demo")
        }
        let logger = BatonLogging.logger(level: configuration.logLevel, format: configuration.logFormat)
        if configuration.adminKey == nil {
            logger.warning("BATON_ADMIN_KEY is not set: only stored admin keys can use the admin API")
        }
        let traceExport: (any Service)?
        do {
            traceExport = try TraceExport.bootstrap(
                ProcessInfo.processInfo.environment,
                level: configuration.logLevel,
                format: configuration.logFormat
            )
        } catch {
            StartupFailure.exit("OpenTelemetry (OTEL_* settings): \(error)")
        }
        let application: any ApplicationProtocol
        let shuttingDown = OnceFlag()
        do {
            application = try await BatonApplication.build(configuration: configuration, logger: logger, shuttingDown: shuttingDown)
        } catch {
            StartupFailure.exit("could not start: \(error)")
        }
        if configuration.isMemory {
            FileHandle.standardOutput.write(
                Data(MemoryModeBanner.text(configuration: configuration, adminKeyWasGenerated: adminKeyWasGenerated).utf8)
            )
        }
        // The delay service comes last: graceful shutdown runs in reverse order, so readiness fails and the delay
        // passes before the application (and its HTTP server) begins to drain.
        let group = ServiceGroup(
            configuration: .init(
                // Trace export first, so it stops last and the last requests' spans still go out.
                services: (traceExport.map { [$0] } ?? []) + [
                    application,
                    ShutdownDelayService(delay: .seconds(configuration.shutdownDelay), shuttingDown: shuttingDown, logger: logger),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            StartupFailure.exit("\(error)")
        }
    }
}
