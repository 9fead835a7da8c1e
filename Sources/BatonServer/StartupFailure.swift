import Foundation
import Logging

/// Prints one clear line to standard error and exits 2: no stack trace for a wrong setting. Under
/// `BATON_LOG_FORMAT=json` the line is a JSON log record too, so that a log pipeline reading JSON loses nothing.
enum StartupFailure {
    static func exit(_ message: String) -> Never {
        if (try? ConfigurationResolver.logFormat(ProcessInfo.processInfo.environment)) == .json {
            BatonLogging.logger(level: .critical, format: .json).critical("baton: error: \(message)")
        } else {
            FileHandle.standardError.write(Data("baton: error: \(message)\n".utf8))
        }
        Foundation.exit(2)
    }

    static func exitOnError<T>(_ body: () throws(ConfigurationError) -> T) -> T {
        do { return try body() } catch { exit(error.description) }
    }
}
