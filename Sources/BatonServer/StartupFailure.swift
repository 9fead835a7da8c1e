import Foundation

/// Prints one clear line to standard error and exits: no stack trace for a wrong setting.
enum StartupFailure {
    static func exit(_ message: String) -> Never {
        FileHandle.standardError.write(Data("baton: error: \(message)\n".utf8))
        Foundation.exit(2)
    }

    static func exitOnError<T>(_ body: () throws(ConfigurationError) -> T) -> T {
        do { return try body() } catch { exit(error.description) }
    }
}
