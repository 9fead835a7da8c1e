import BatonPostgres
import Logging

/// The reachability check of the one-shot commands (`migrate`, `rewrap`): waits for the database as `serve` does,
/// or exits 2 with one line naming the cause.
enum DatabaseStartupCheck {
    static func waitOrExit(url: String, environment: [String: String], logger: Logger, command: String) async {
        let patience = StartupFailure.exitOnError { () throws(ConfigurationError) in try Setting.databaseStartupWait.wholeNumber(in: environment) }
        do {
            try await DatabaseReachability(url: url, patience: .seconds(patience), logger: logger).waitUntilAnswering()
        } catch {
            StartupFailure.exit("\(command) failed: \(error)")
        }
    }
}
