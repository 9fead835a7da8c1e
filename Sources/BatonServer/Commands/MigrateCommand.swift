import ArgumentParser
import BatonCore
import BatonPostgres
import Foundation
import Logging
import PostgresNIO

/// `baton migrate`: applies pending `sql/` migrations and exits.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending database migrations.")

    @Option(name: .customLong("database-url"), help: ArgumentHelp(Setting.databaseURL.help))
    var databaseURL: String?

    func run() async throws {
        let logger = ConfigurationResolver.commandLogger(ProcessInfo.processInfo.environment)
        let url = StartupFailure.exitOnError { () throws(ConfigurationError) in
            try ConfigurationResolver.databaseURL(flag: databaseURL, ProcessInfo.processInfo.environment, for: "migrate")
        }
        let configuration: PostgresClient.Configuration
        do { configuration = try DatabaseURL.configuration(from: url) } catch { StartupFailure.exit(error.message) }
        await DatabaseStartupCheck.waitOrExit(url: url, environment: ProcessInfo.processInfo.environment, logger: logger, command: "migrate")
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let applied: [Int]
        do {
            applied = try await withThrowingTaskGroup(of: [Int]?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                defer { group.cancelAll() }
                return try await Migrator(client: client, migrations: try Migration.bundled(), logger: logger).migrate()
            }
        } catch {
            StartupFailure.exit("migrate failed: \(error)")
        }
        print(applied.isEmpty ? "schema is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}
