import ArgumentParser
import BatonCore
import BatonPostgres
import Foundation
import Logging
import PostgresNIO

/// `baton rewrap`: re-seals every tenant's private and chain keys under `BATON_MASTER_KEY`, opening them with
/// `BATON_PREVIOUS_MASTER_KEYS`; one transaction per tenant. Keys come from the environment, never from flags.
struct RewrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrap",
        abstract: "Re-seal all keys under a new master key (BATON_MASTER_KEY new, BATON_PREVIOUS_MASTER_KEYS old)."
    )

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = ConfigurationResolver.commandLogger(ProcessInfo.processInfo.environment)
        let url = StartupFailure.exitOnError { () throws(ConfigurationError) in
            try ConfigurationResolver.databaseURL(environment, for: "rewrap")
        }
        let masterKey = StartupFailure.exitOnError { () throws(ConfigurationError) in try ConfigurationResolver.masterKey(environment) }
        guard let current = masterKey else {
            StartupFailure.exit("BATON_MASTER_KEY (the new master key, base64 of 32 bytes) is required for rewrap")
        }
        let previous = StartupFailure.exitOnError { () throws(ConfigurationError) in try ConfigurationResolver.previousMasterKeys(environment) }
        guard !previous.isEmpty else { StartupFailure.exit("BATON_PREVIOUS_MASTER_KEYS (the old master key or keys) is required for rewrap") }
        let configuration: PostgresClient.Configuration
        do { configuration = try DatabaseURL.configuration(from: url) } catch { StartupFailure.exit(error.message) }
        await DatabaseStartupCheck.waitOrExit(url: url, environment: environment, logger: logger, command: "rewrap")
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let results: [(TenantSlug, Int)]
        do {
            results = try await withThrowingTaskGroup(of: [(TenantSlug, Int)]?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                defer { group.cancelAll() }
                try await Migrator(client: client, migrations: try Migration.bundled(), logger: logger).verifyCurrent()
                let store = PostgresStore(client: client, logger: logger)
                let rewrap = MasterKeyRewrap(
                    store: store,
                    sealer: SecretSealer(current: current, previous: previous),
                    audit: AuditLog(store: store, clock: SystemClock(), logger: logger),
                    logger: logger
                )
                return try await rewrap.rewrapAll()
            }
        } catch {
            StartupFailure.exit("rewrap failed (tenants already done stay done; run it again): \(error)")
        }
        for (slug, count) in results { print("\(slug): \(count) secrets re-sealed") }
        print("rewrapped \(results.count) tenant(s) under master key \(current.id)")
    }
}
