import BatonCore
import BatonHTTP
import Foundation
import Logging

/// How log lines are written: one JSON object per line, or plain text for a terminal.
public enum LogFormat: String, Sendable, CaseIterable {
    case json
    case text
}

/// The process logger: Baton's own line handler on stderr at the configured level, in the configured format, with
/// the request's id and tenant on every line logged while serving it, and the trace's ids inside a span; never
/// interpolated secrets.
public enum BatonLogging {
    static let metadataProvider = Logger.MetadataProvider.multiplex([RequestLogMetadata.provider, TraceExport.logMetadataProvider])

    /// `redacting` names metadata keys whose values are replaced: a library's logging that can hold a secret.
    public static func logger(
        level: Logger.Level,
        format: LogFormat,
        label: String = "baton",
        redacting: Set<String> = [],
        write: @escaping @Sendable (String) -> Void = BatonLogHandler.standardError
    ) -> Logger {
        var logger = Logger(label: label) { label in
            var handler = BatonLogHandler(label: label, format: format, metadataProvider: metadataProvider, write: write)
            handler.redactedKeys = redacting
            return handler
        }
        logger.logLevel = level
        return logger
    }
}

/// Renders each record as one line (`LogFormat`) and hands it to `write`: the timestamp (RFC 3339, UTC,
/// milliseconds), level, logger label, message, source module and every metadata value, the request's included.
public struct BatonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    /// Metadata keys written as `[redacted]`, whatever their value.
    public var redactedKeys: Set<String> = []
    let label: String
    let format: LogFormat
    let write: @Sendable (String) -> Void

    public init(
        label: String,
        format: LogFormat,
        metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.format = format
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadataProvider?.get() ?? [:]
        merged.merge(metadata) { $1 }
        merged.merge(event.metadata ?? [:]) { $1 }
        // Hummingbird's own key for the request id, under the name every other line uses.
        if let id = merged.removeValue(forKey: "hb.request.id") { merged[RequestLogMetadata.requestIDKey] = id }
        for key in redactedKeys where merged[key] != nil { merged[key] = "[redacted]" }
        let timestamp = Self.timestamp(Date())
        switch format {
        case .json: write(Self.json(timestamp: timestamp, event: event, label: label, metadata: merged))
        case .text: write(Self.text(timestamp: timestamp, event: event, label: label, metadata: merged))
        }
    }

    /// Writes `line` and a newline to stderr in one call, so that lines of concurrent tasks never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The fields every line has, in their order; metadata keys equal to one of them are prefixed with `meta_`.
    static let fixedFields = ["timestamp", "level", "logger", "message", "source"]

    static func json(timestamp: String, event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        var line = "{"
        for (key, value) in [timestamp, "\(event.level)", label, "\(event.message)", event.source].enumerated() {
            if key > 0 { line += "," }
            line += JSONText.string(fixedFields[key]) + ":" + JSONText.string(value)
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += "," + JSONText.string(fixedFields.contains(key) ? "meta_\(key)" : key) + ":" + JSONText.value(value)
        }
        return line + "}"
    }

    static func text(timestamp: String, event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        let rendered = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        // One record, one line: a value holding a line break cannot forge another record.
        return "\(timestamp) \(event.level) \(label):\(rendered) [\(event.source)] \(event.message)"
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    /// RFC 3339 in UTC with milliseconds, as `2026-12-01T18:09:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(1000 + milliseconds % 1000).dropFirst()
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}

/// JSON text for log values: strings as `JSONObjectWriter` escapes them, metadata dictionaries and arrays as objects
/// and arrays.
enum JSONText {
    static func value(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string): return Self.string(string)
        case .stringConvertible(let convertible): return Self.string(convertible.description)
        case .array(let values): return "[" + values.map(Self.value).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.sorted { $0.key < $1.key }.map { Self.string($0.key) + ":" + Self.value($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// `string` quoted by `JSONObjectWriter`'s escaping, and U+2028/U+2029 escaped too: JSON allows them raw, but
    /// a log viewer could take them for line breaks.
    static func string(_ string: String) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        var segment = Substring(string)
        while let separator = segment.unicodeScalars.firstIndex(where: { $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            JSONObjectWriter.appendEscaped(segment[..<separator].utf8, to: &bytes)
            bytes.append(contentsOf: (segment.unicodeScalars[separator] == "\u{2028}" ? "\\u2028" : "\\u2029").utf8)
            segment = segment[segment.unicodeScalars.index(after: separator)...]
        }
        JSONObjectWriter.appendEscaped(segment.utf8, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }
}
