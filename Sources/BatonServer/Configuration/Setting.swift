import BatonCore
import Foundation

/// One setting Baton reads: its environment variable and flag, unit, range, default and meaning. `Setting.all` is
/// the one table that parsing, validation, `baton serve --help` and the README's configuration table come from
/// (`ConfigurationTests` checks the README against `markdownTable`).
struct Setting: Sendable {
    /// The environment variable, if the setting has one.
    let variable: String?
    /// The long flag of `baton serve`, if the setting has one.
    let flag: String?
    /// For whole numbers: unit, allowed range and default.
    let number: WholeNumber?
    /// The default, as the documentation says it.
    let defaultText: String
    let meaning: String

    /// A whole-number setting's unit, range and default.
    struct WholeNumber: Sendable {
        let unit: String
        let range: ClosedRange<Int>
        let fallback: Int
    }

    init(_ variable: String?, flag: String? = nil, default defaultText: String, _ meaning: String) {
        self.variable = variable
        self.flag = flag
        self.number = nil
        self.defaultText = defaultText
        self.meaning = meaning
    }

    init(_ variable: String, _ unit: String, in range: ClosedRange<Int>, default fallback: Int, defaultText: String? = nil, _ meaning: String) {
        self.variable = variable
        self.flag = nil
        self.number = WholeNumber(unit: unit, range: range, fallback: fallback)
        self.defaultText = defaultText ?? "`\(fallback)`"
        self.meaning = meaning
    }

    /// A whole-number setting's default.
    var defaultNumber: Int {
        guard let number else { preconditionFailure("\(name) is not a whole-number setting") }
        return number.fallback
    }

    /// The setting's name in messages: its variable, or its flag.
    var name: String { variable ?? "--\(flag ?? "")" }

    /// The raw text from `flag` (when given) or the environment; nil when unset or empty.
    func text(flag flagValue: String? = nil, in environment: [String: String]) -> String? {
        let raw = flagValue ?? variable.flatMap { environment[$0] }
        return raw?.isEmpty == true ? nil : raw
    }

    /// A whole-number setting's value: its default when unset (or `fallback` when given), refused outside its range.
    func wholeNumber(in environment: [String: String], fallback override: Int? = nil) throws(ConfigurationError) -> Int {
        guard let number else { preconditionFailure("\(name) is not a whole-number setting") }
        guard let raw = text(in: environment) else { return override ?? number.fallback }
        guard let value = Int(raw), number.range.contains(value) else {
            throw ConfigurationError(
                "\(name) must be a whole number of \(number.unit) between \(number.range.lowerBound) and \(number.range.upperBound)"
            )
        }
        return value
    }

    /// The help line of a `serve` flag.
    var help: String {
        let origin = variable.map { "env \($0), " } ?? ""
        return "\(Self.plain(meaning)) (\(origin)default \(Self.plain(defaultText)))"
    }
}

extension Setting {
    static let databaseURL = Setting(
        "BATON_DATABASE_URL",
        flag: "database-url",
        default: "none: memory store",
        "`postgres://user:pass@host:port/db?sslmode=disable\\|prefer\\|require`, or `?host=/socket/dir`"
    )
    static let databasePooling = Setting(
        "BATON_DATABASE_POOLING",
        default: "`direct`",
        "`direct`, or `transaction` behind a transaction-mode pooler (PgBouncer `pool_mode = transaction`): no prepared statements or session state; needs `BATON_DATABASE_LISTEN_URL`, and the statement timeout as the role's setting (see deploy/README.md)"
    )
    static let databaseListenURL = Setting(
        "BATON_DATABASE_LISTEN_URL",
        default: "`BATON_DATABASE_URL`",
        "a direct (unpooled) connection for change notices (`LISTEN`); required with `BATON_DATABASE_POOLING=transaction`"
    )
    static let store = Setting(nil, flag: "store", default: "from the URL", "`memory` or `postgres`: force a store")
    static let masterKey = Setting("BATON_MASTER_KEY", default: "generated in memory mode", "base64 of 32 bytes; required with PostgreSQL")
    static let adminKey = Setting("BATON_ADMIN_KEY", default: "generated in memory mode", "bootstrap operator key, 24–512 characters")
    static let publicURL = Setting(
        "BATON_PUBLIC_URL",
        flag: "public-url",
        default: "`http://{host}:{port}`",
        "issuer base: tokens of tenant `t` have `iss = {public_url}/t/t`"
    )
    static let host = Setting("BATON_HOST", flag: "host", default: "`127.0.0.1`", "listen address (`0.0.0.0` in containers)")
    static let port = Setting("BATON_PORT", flag: "port", default: "`8080`", "listen port (0–65535)")
    static let logLevel = Setting(
        "BATON_LOG_LEVEL",
        flag: "log-level",
        default: "`info`",
        "trace, debug, info, notice, warning, error or critical"
    )
    static let logFormat = Setting(
        "BATON_LOG_FORMAT",
        flag: "log-format",
        default: "`text` (`json` in the container image)",
        "`json`: one JSON object per line (timestamp, level, logger, message, source, request_id, tenant, metadata); `text`: one plain line per record"
    )
    static let otlpEndpoint = Setting(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        default: "none: no traces",
        "OpenTelemetry collector for traces over OTLP/HTTP (`http://collector:4318`); the other standard `OTEL_*` variables apply too (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL` `http/protobuf` or `http/json`, `OTEL_TRACES_EXPORTER`, `OTEL_TRACES_SAMPLER`, `OTEL_SERVICE_NAME`, `OTEL_SDK_DISABLED`)"
    )
    static let previousMasterKeys = Setting(
        "BATON_PREVIOUS_MASTER_KEYS",
        default: "none",
        "old master keys, comma-separated, during a change-over"
    )
    static let keySchedulerInterval = Setting(
        "BATON_KEY_SCHEDULER_INTERVAL",
        "seconds",
        in: 1...86_400,
        default: 60,
        "between scheduled key passes (rotation on each tenant's schedule, retirement)"
    )
    static let databasePoolSize = Setting(
        "BATON_DATABASE_POOL_SIZE",
        "connections",
        in: BatonConfiguration.minimumDatabasePoolSize...1_000,
        default: 32,
        "PostgreSQL connections per instance, opened on demand, closed after 60 s idle (the change listener has one more of its own)"
    )
    static let databaseStatementTimeout = Setting(
        "BATON_DATABASE_STATEMENT_TIMEOUT",
        "milliseconds",
        in: 0...600_000,
        default: 5_000,
        "(0 = none) a statement may run before PostgreSQL cancels and rolls it back; the request gets 503 `unavailable` with `Retry-After` and has changed nothing"
    )
    static let databaseOperationTimeout = Setting(
        "BATON_DATABASE_OPERATION_TIMEOUT",
        "milliseconds",
        in: 0...600_000,
        default: 10_000,
        "(0 = none; at least the statement timeout) a store operation may take, waiting for a connection included, before its request gets 503 `unavailable` whatever the driver does"
    )
    static let databaseProbeTimeout = Setting(
        "BATON_DATABASE_PROBE_TIMEOUT",
        "milliseconds",
        in: 100...600_000,
        default: 2_000,
        "the probe's `SELECT 1` (every second, on a connection of its own, connecting included) may take before Baton finds the database silent: until it answers again, requests get 503 `unavailable` at once instead of queueing"
    )
    static let databaseQueueLimit = Setting(
        "BATON_DATABASE_QUEUE_LIMIT",
        "requests",
        in: 0...100_000,
        default: 256,
        "that may wait for a database connection beyond the pool's size; more get 503 `unavailable` at once"
    )
    static let databaseStartupWait = Setting(
        "BATON_DATABASE_STARTUP_WAIT",
        "seconds",
        in: 0...3_600,
        default: 30,
        "(0 = one try) `serve`, `migrate` and `rewrap` wait for a database they cannot reach yet (down, starting up, out of connections) before they exit 2 naming the cause; a refusal that waiting cannot fix (credentials, unknown database) stops them at once"
    )
    static let rotationBatches = Setting(
        "BATON_ROTATION_BATCHES",
        "batches",
        in: 0...64,
        default: 2,
        "at the database at once: rotations go to PostgreSQL in batches; 0: each refresh rotates its session in a statement of its own (see deploy/README.md)"
    )
    static let httpIdleTimeout = Setting(
        "BATON_HTTP_IDLE_TIMEOUT",
        "seconds",
        in: 1...3_600,
        default: 75,
        "a client connection may idle between requests before Baton closes it; keep it above your load balancer's idle timeout"
    )
    static let httpHeadTimeout = Setting(
        "BATON_HTTP_HEAD_TIMEOUT",
        "seconds",
        in: 1...600,
        default: 10,
        "a client has, from a request's first byte, to send its whole head; then Baton answers 408 and closes the connection (slowloris)"
    )
    static let httpBodyTimeout = Setting(
        "BATON_HTTP_BODY_TIMEOUT",
        "seconds",
        in: 1...600,
        default: 30,
        "a client has, from the end of a request's head, to send its whole body; then Baton closes the connection"
    )
    static let shutdownDelay = Setting(
        "BATON_SHUTDOWN_DELAY",
        "seconds",
        in: 0...300,
        default: 5,
        defaultText: "`5` (`0` in memory mode)",
        "between `SIGTERM` and the port closing, while `/readyz` already answers 503 and requests are still served"
    )
    static let purgeInterval = Setting("BATON_PURGE_INTERVAL", "seconds", in: 1...86_400, default: 600, "between purge passes")
    static let sessionRetentionDays = Setting(
        "BATON_SESSION_RETENTION_DAYS",
        "days",
        in: 0...3_650,
        default: RetentionPolicy().endedSessions / RetentionPolicy.day,
        "an ended session (revoked, or past its idle or absolute expiry) is kept before the purge deletes it"
    )
    static let auditRetentionDays = Setting(
        "BATON_AUDIT_RETENTION_DAYS",
        "days",
        in: 1...36_500,
        default: RetentionPolicy().auditEvents / RetentionPolicy.day,
        "an audit event is kept before the purge deletes it"
    )
    static let migrate = Setting(nil, flag: "migrate", default: "off", "apply pending migrations before serving")

    /// Every setting, in the order the README lists them.
    static let all: [Setting] = [
        databaseURL, databasePooling, databaseListenURL, store, masterKey, adminKey, publicURL, host, port, logLevel, logFormat, otlpEndpoint,
        previousMasterKeys,
        keySchedulerInterval,
        databasePoolSize, databaseStatementTimeout, databaseOperationTimeout, databaseProbeTimeout, databaseQueueLimit, databaseStartupWait,
        rotationBatches, httpIdleTimeout, httpHeadTimeout, httpBodyTimeout, shutdownDelay, purgeInterval,
        sessionRetentionDays, auditRetentionDays, migrate,
    ]

    /// The README's configuration table.
    static var markdownTable: String {
        var lines = ["| variable | flag | default | meaning |", "| --- | --- | --- | --- |"]
        for setting in all {
            let variable = setting.variable.map { "`\($0)`" } ?? "—"
            let flag = setting.flag.map { "`--\($0)`" } ?? "—"
            var meaning = setting.meaning
            if let number = setting.number {
                meaning = "\(number.unit) (\(number.range.lowerBound)–\(number.range.upperBound)) \(meaning)"
            }
            lines.append("| \(variable) | \(flag) | \(setting.defaultText) | \(meaning) |")
        }
        return lines.joined(separator: "\n")
    }

    /// Markdown's code quotes dropped, for the terminal.
    static func plain(_ text: String) -> String { text.replacingOccurrences(of: "`", with: "") }

    /// The environment settings, for `baton serve --help`.
    static var helpText: String {
        let lines = all.compactMap { setting -> String? in
            guard let variable = setting.variable else { return nil }
            let range = setting.number.map { " \($0.unit) \($0.range.lowerBound)–\($0.range.upperBound)," } ?? ""
            return "  \(variable):\(range) default \(plain(setting.defaultText))"
        }
        return "Environment (secrets are read from the environment only):\n" + lines.joined(separator: "\n")
    }
}
