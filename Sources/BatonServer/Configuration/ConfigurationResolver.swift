import BatonCore
import BatonPostgres
import Foundation
import Logging

/// Resolves `BatonConfiguration` from the environment and flags; every failure names the setting in one line.
enum ConfigurationResolver {
    static func resolve(options: ServeOptions, environment: [String: String]) throws(ConfigurationError) -> BatonConfiguration {
        let storage = try storage(options: options, environment: environment)

        let masterKey: MasterKey
        let ephemeral: Bool
        if let key = try Self.masterKey(environment) {
            masterKey = key
            ephemeral = false
        } else if case .memory = storage {
            masterKey = MasterKey.generate()
            ephemeral = true
        } else {
            throw ConfigurationError("BATON_MASTER_KEY is required with PostgreSQL (base64 of 32 random bytes, e.g. from 'openssl rand -base64 32')")
        }

        let adminKey = Setting.adminKey.text(in: environment)
        if let adminKey, adminKey.utf8.count < 24 || adminKey.utf8.count > 512 {
            throw ConfigurationError("BATON_ADMIN_KEY must be 24 to 512 characters long")
        }

        let (host, port) = try listenAddress(host: options.host, port: options.port, environment)

        let publicURL = try resolvePublicURL(Setting.publicURL.text(flag: options.publicURL, in: environment), host: host, port: port)

        let (logLevel, logFormat) = try logging(level: options.logLevel, format: options.logFormat, environment)

        var configuration = BatonConfiguration(
            storage: storage,
            masterKey: masterKey,
            masterKeyIsEphemeral: ephemeral,
            adminKey: adminKey,
            publicURL: publicURL,
            host: host,
            port: port,
            logLevel: logLevel,
            logFormat: logFormat,
            migrateOnStart: options.migrate
        )
        configuration.keySchedulerInterval = try Setting.keySchedulerInterval.wholeNumber(in: environment)
        configuration.databasePoolSize = try Setting.databasePoolSize.wholeNumber(in: environment)
        configuration.databaseStatementTimeout = try Setting.databaseStatementTimeout.wholeNumber(in: environment)
        configuration.databaseOperationTimeout = try Setting.databaseOperationTimeout.wholeNumber(in: environment)
        if configuration.databaseOperationTimeout > 0, configuration.databaseOperationTimeout < configuration.databaseStatementTimeout {
            // Shorter, requests whose statement PostgreSQL is still running (and may commit) would be answered 503.
            throw ConfigurationError("BATON_DATABASE_OPERATION_TIMEOUT must be 0 or at least BATON_DATABASE_STATEMENT_TIMEOUT")
        }
        configuration.databaseProbeTimeout = try Setting.databaseProbeTimeout.wholeNumber(in: environment)
        try resolvePooling(&configuration, environment)
        configuration.databaseQueueLimit = try Setting.databaseQueueLimit.wholeNumber(in: environment)
        configuration.databaseStartupWait = try Setting.databaseStartupWait.wholeNumber(in: environment)
        configuration.rotationBatches = try Setting.rotationBatches.wholeNumber(in: environment)
        configuration.httpIdleTimeout = try Setting.httpIdleTimeout.wholeNumber(in: environment)
        configuration.httpHeadTimeout = try Setting.httpHeadTimeout.wholeNumber(in: environment)
        configuration.httpBodyTimeout = try Setting.httpBodyTimeout.wholeNumber(in: environment)
        configuration.purgeInterval = try Setting.purgeInterval.wholeNumber(in: environment)
        // One process, no balancer to drain from: no delay in memory mode unless set.
        configuration.shutdownDelay = try Setting.shutdownDelay.wholeNumber(in: environment, fallback: storage.isMemory ? 0 : nil)
        let day = RetentionPolicy.day
        configuration.retention.endedSessions = try Setting.sessionRetentionDays.wholeNumber(in: environment) * day
        configuration.retention.auditEvents = try Setting.auditRetentionDays.wholeNumber(in: environment) * day
        configuration.previousMasterKeys = try previousMasterKeys(environment)
        return configuration
    }

    /// `BATON_LOG_LEVEL` and `BATON_LOG_FORMAT` (or their flags): how every command logs.
    static func logging(
        level levelFlag: String? = nil,
        format formatFlag: String? = nil,
        _ environment: [String: String]
    ) throws(ConfigurationError) -> (Logger.Level, LogFormat) {
        let levelText = Setting.logLevel.text(flag: levelFlag, in: environment) ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ConfigurationError("BATON_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
        }
        return (level, try logFormat(flag: formatFlag, environment))
    }

    /// `BATON_LOG_FORMAT` (or `--log-format`), `text` when unset.
    static func logFormat(flag: String? = nil, _ environment: [String: String]) throws(ConfigurationError) -> LogFormat {
        let text = Setting.logFormat.text(flag: flag, in: environment) ?? LogFormat.text.rawValue
        guard let format = LogFormat(rawValue: text.lowercased()) else { throw ConfigurationError("BATON_LOG_FORMAT must be json or text") }
        return format
    }

    /// `BATON_HOST` and `BATON_PORT` (or their flags): where `serve` listens, and where `healthcheck` asks.
    static func listenAddress(
        host hostFlag: String?,
        port portFlag: String?,
        _ environment: [String: String]
    ) throws(ConfigurationError) -> (host: String, port: Int) {
        let host = Setting.host.text(flag: hostFlag, in: environment) ?? "127.0.0.1"
        guard let port = Int(Setting.port.text(flag: portFlag, in: environment) ?? "8080"), (0...65_535).contains(port) else {
            throw ConfigurationError("BATON_PORT must be an integer between 0 and 65535")
        }
        return (host, port)
    }

    /// The process logger of a command that is not `serve`, as its settings say; exits 2 on a bad one.
    static func commandLogger(_ environment: [String: String]) -> Logger {
        let (level, format) = StartupFailure.exitOnError { () throws(ConfigurationError) in try logging(environment) }
        return BatonLogging.logger(level: level, format: format)
    }

    /// The store: memory unless a database URL is given or `--store` says otherwise.
    static func storage(options: ServeOptions, environment: [String: String]) throws(ConfigurationError) -> BatonConfiguration.Storage {
        let databaseURL = Setting.databaseURL.text(flag: options.databaseURL, in: environment)
        switch options.store ?? (databaseURL == nil ? .memory : .postgres) {
        case .memory:
            return .memory
        case .postgres:
            return .postgres(url: try Self.databaseURL(flag: databaseURL, environment, for: "--store postgres"))
        }
    }

    /// `BATON_DATABASE_URL` (or `--database-url`), required: `serve --store postgres`, `migrate` and `rewrap` read it here.
    static func databaseURL(flag: String? = nil, _ environment: [String: String], for use: String) throws(ConfigurationError) -> String {
        guard let url = Setting.databaseURL.text(flag: flag, in: environment) else {
            throw ConfigurationError("BATON_DATABASE_URL (or --database-url) is required \(use == "--store postgres" ? "with" : "for") \(use)")
        }
        return url
    }

    /// `BATON_DATABASE_POOLING` and `BATON_DATABASE_LISTEN_URL`: behind a transaction-mode pooler, `LISTEN` would
    /// lose notices, so the listener's direct URL is required there.
    static func resolvePooling(_ configuration: inout BatonConfiguration, _ environment: [String: String]) throws(ConfigurationError) {
        if let raw = Setting.databasePooling.text(in: environment) {
            guard let pooling = DatabasePooling(rawValue: raw) else {
                throw ConfigurationError("BATON_DATABASE_POOLING must be direct or transaction")
            }
            configuration.databasePooling = pooling
        }
        configuration.databaseListenURL = Setting.databaseListenURL.text(in: environment)
        if let listenURL = configuration.databaseListenURL {
            do { _ = try DatabaseURL.configuration(from: listenURL) } catch {
                throw ConfigurationError("BATON_DATABASE_LISTEN_URL must be a postgres:// URL like BATON_DATABASE_URL")
            }
        }
        if configuration.databasePooling == .transaction, !configuration.isMemory, configuration.databaseListenURL == nil {
            throw ConfigurationError(
                "BATON_DATABASE_POOLING=transaction needs BATON_DATABASE_LISTEN_URL: a direct connection to PostgreSQL (not through the pooler) for change notices"
            )
        }
    }

    /// `BATON_MASTER_KEY`, nil when unset.
    static func masterKey(_ environment: [String: String]) throws(ConfigurationError) -> MasterKey? {
        guard let raw = Setting.masterKey.text(in: environment) else { return nil }
        do { return try MasterKey(base64: raw) } catch { throw ConfigurationError("BATON_MASTER_KEY must be base64 of exactly 32 bytes") }
    }

    /// `BATON_PREVIOUS_MASTER_KEYS`: comma-separated base64 keys, accepted for opening during a master-key change-over.
    static func previousMasterKeys(_ environment: [String: String]) throws(ConfigurationError) -> [MasterKey] {
        guard let raw = Setting.previousMasterKeys.text(in: environment) else { return [] }
        var keys: [MasterKey] = []
        for part in raw.split(separator: ",") {
            do { keys.append(try MasterKey(base64: String(part))) } catch {
                throw ConfigurationError("BATON_PREVIOUS_MASTER_KEYS must be comma-separated base64 keys of exactly 32 bytes")
            }
        }
        return keys
    }

    /// An http(s) URL with no query or fragment; trailing slashes are dropped so issuers are `{public_url}/t/{tenant}` exactly.
    static func resolvePublicURL(_ raw: String?, host: String, port: Int) throws(ConfigurationError) -> String {
        guard let raw else {
            let visibleHost = (host == "0.0.0.0" || host == "::") ? "127.0.0.1" : host
            return "http://\(visibleHost):\(port)"
        }
        var trimmed = raw
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
            components.host?.isEmpty == false, components.query == nil, components.fragment == nil, components.user == nil
        else {
            throw ConfigurationError("BATON_PUBLIC_URL must be an http(s) URL without query, fragment or credentials, e.g. https://auth.example.com")
        }
        return trimmed
    }
}
