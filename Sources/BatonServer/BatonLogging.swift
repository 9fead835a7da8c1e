import Logging

/// The process logger: swift-log's stream handler on stderr at the configured level, with metadata, never interpolated secrets.
enum BatonLogging {
    static func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "baton")
        logger.logLevel = level
        return logger
    }
}
