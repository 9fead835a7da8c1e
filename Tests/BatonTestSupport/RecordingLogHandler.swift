import Logging
import Synchronization

/// A log handler that keeps every record in memory, so tests can prove what was (and was not) logged.
public struct RecordingLogHandler: LogHandler {
    /// The shared sink of one test's records.
    public final class Records: Sendable {
        private let lines = Mutex<[String]>([])

        public init() {}

        /// Each record as one string: level, message, and every metadata key and value.
        public var all: [String] { lines.withLock { $0 } }

        public func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace
    let records: Records

    public init(records: Records) { self.records = records }

    /// A logger at trace level that records everything into `records`.
    public static func logger(_ records: Records, label: String = "test") -> Logger {
        Logger(label: label) { _ in RecordingLogHandler(records: records) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        records.append("\(event.level) \(event.message) \(rendered) source=\(event.source)")
    }
}
