import BatonCore
import Foundation
import Logging

/// Resolves `BatonConfiguration` from the environment and flags; every failure names the setting in one line.
enum ConfigurationResolver {
    static func resolve(options: ServeOptions, environment: [String: String]) throws(ConfigurationError) -> BatonConfiguration {
        func value(_ flag: String?, _ name: String) -> String? {
            let raw = flag ?? environment[name]
            return raw?.isEmpty == true ? nil : raw
        }

        let databaseURL = value(options.databaseURL, "BATON_DATABASE_URL")
        let storage: BatonConfiguration.Storage
        switch options.store ?? (databaseURL == nil ? .memory : .postgres) {
        case .memory:
            storage = .memory
        case .postgres:
            guard let databaseURL else { throw ConfigurationError("BATON_DATABASE_URL (or --database-url) is required with --store postgres") }
            storage = .postgres(url: databaseURL)
        }

        let masterKey: MasterKey
        let ephemeral: Bool
        if let raw = environment["BATON_MASTER_KEY"], !raw.isEmpty {
            do { masterKey = try MasterKey(base64: raw) } catch { throw ConfigurationError("BATON_MASTER_KEY must be base64 of exactly 32 bytes") }
            ephemeral = false
        } else if case .memory = storage {
            masterKey = MasterKey.generate()
            ephemeral = true
        } else {
            throw ConfigurationError("BATON_MASTER_KEY is required with PostgreSQL (base64 of 32 random bytes, e.g. from 'openssl rand -base64 32')")
        }

        let adminKey = environment["BATON_ADMIN_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let adminKey, adminKey.utf8.count < 24 || adminKey.utf8.count > 512 {
            throw ConfigurationError("BATON_ADMIN_KEY must be 24 to 512 characters long")
        }

        let host = value(options.host, "BATON_HOST") ?? "127.0.0.1"
        let portText = value(options.port, "BATON_PORT") ?? "8080"
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ConfigurationError("BATON_PORT must be an integer between 0 and 65535")
        }

        let publicURL = try resolvePublicURL(value(options.publicURL, "BATON_PUBLIC_URL"), host: host, port: port)

        let levelText = value(options.logLevel, "BATON_LOG_LEVEL") ?? "info"
        guard let logLevel = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ConfigurationError("BATON_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
        }

        func wholeNumber(_ name: String, of unit: String, in range: ClosedRange<Int>, fallback: Int) throws(ConfigurationError) -> Int {
            try Self.wholeNumber(name, of: unit, in: range, fallback: fallback, environment: environment)
        }
        let schedulerInterval = try wholeNumber("BATON_KEY_SCHEDULER_INTERVAL", of: "seconds", in: 1...86_400, fallback: 60)
        let poolSize = try wholeNumber(
            "BATON_DATABASE_POOL_SIZE",
            of: "connections",
            in: BatonConfiguration.minimumDatabasePoolSize...1_000,
            fallback: BatonConfiguration.defaultDatabasePoolSize
        )
        let statementTimeout = try wholeNumber(
            "BATON_DATABASE_STATEMENT_TIMEOUT",
            of: "milliseconds",
            in: 0...600_000,
            fallback: BatonConfiguration.defaultDatabaseStatementTimeout
        )
        let operationTimeout = try wholeNumber(
            "BATON_DATABASE_OPERATION_TIMEOUT",
            of: "milliseconds",
            in: 0...600_000,
            fallback: BatonConfiguration.defaultDatabaseOperationTimeout
        )
        if operationTimeout > 0, operationTimeout < statementTimeout {
            // Shorter, requests whose statement PostgreSQL is still running (and may commit) would be answered 503.
            throw ConfigurationError("BATON_DATABASE_OPERATION_TIMEOUT must be 0 or at least BATON_DATABASE_STATEMENT_TIMEOUT")
        }
        let startupWait = try databaseStartupWait(environment)
        let rotationBatches = try wholeNumber(
            "BATON_ROTATION_BATCHES",
            of: "batches",
            in: 0...64,
            fallback: BatonConfiguration.defaultRotationBatches
        )
        let queueLimit = try wholeNumber(
            "BATON_DATABASE_QUEUE_LIMIT",
            of: "requests",
            in: 0...100_000,
            fallback: BatonConfiguration.defaultDatabaseQueueLimit
        )
        let idleTimeout = try wholeNumber(
            "BATON_HTTP_IDLE_TIMEOUT",
            of: "seconds",
            in: 1...3_600,
            fallback: BatonConfiguration.defaultHTTPIdleTimeout
        )
        let headTimeout = try wholeNumber("BATON_HTTP_HEAD_TIMEOUT", of: "seconds", in: 1...600, fallback: BatonConfiguration.defaultHTTPHeadTimeout)
        let bodyTimeout = try wholeNumber("BATON_HTTP_BODY_TIMEOUT", of: "seconds", in: 1...600, fallback: BatonConfiguration.defaultHTTPBodyTimeout)
        let purgeInterval = try wholeNumber("BATON_PURGE_INTERVAL", of: "seconds", in: 1...86_400, fallback: BatonConfiguration.defaultPurgeInterval)
        let shutdownDelay = try wholeNumber(
            "BATON_SHUTDOWN_DELAY",
            of: "seconds",
            in: 0...300,
            fallback: storage.isMemory ? 0 : BatonConfiguration.defaultShutdownDelay
        )
        var retention = RetentionPolicy()
        let day = RetentionPolicy.day
        retention.endedSessions =
            try wholeNumber("BATON_SESSION_RETENTION_DAYS", of: "days", in: 0...3_650, fallback: retention.endedSessions / day) * day
        retention.auditEvents = try wholeNumber("BATON_AUDIT_RETENTION_DAYS", of: "days", in: 1...36_500, fallback: retention.auditEvents / day) * day

        var configuration = BatonConfiguration(
            storage: storage,
            masterKey: masterKey,
            masterKeyIsEphemeral: ephemeral,
            adminKey: adminKey,
            publicURL: publicURL,
            host: host,
            port: port,
            logLevel: logLevel,
            migrateOnStart: options.migrate
        )
        configuration.keySchedulerInterval = schedulerInterval
        configuration.databasePoolSize = poolSize
        configuration.databaseStatementTimeout = statementTimeout
        configuration.databaseOperationTimeout = operationTimeout
        configuration.databaseQueueLimit = queueLimit
        configuration.databaseStartupWait = startupWait
        configuration.rotationBatches = rotationBatches
        configuration.httpIdleTimeout = idleTimeout
        configuration.httpHeadTimeout = headTimeout
        configuration.httpBodyTimeout = bodyTimeout
        configuration.purgeInterval = purgeInterval
        configuration.shutdownDelay = shutdownDelay
        configuration.retention = retention
        configuration.previousMasterKeys = try previousMasterKeys(environment)
        return configuration
    }

    /// A whole number from the environment, `fallback` when unset, refused outside `range`.
    static func wholeNumber(
        _ name: String,
        of unit: String,
        in range: ClosedRange<Int>,
        fallback: Int,
        environment: [String: String]
    ) throws(ConfigurationError) -> Int {
        guard let raw = environment[name], !raw.isEmpty else { return fallback }
        guard let number = Int(raw), range.contains(number) else {
            throw ConfigurationError("\(name) must be a whole number of \(unit) between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    /// `BATON_DATABASE_STARTUP_WAIT`: read by `serve`, `migrate` and `rewrap` alike.
    static func databaseStartupWait(_ environment: [String: String]) throws(ConfigurationError) -> Int {
        try wholeNumber(
            "BATON_DATABASE_STARTUP_WAIT",
            of: "seconds",
            in: 0...3_600,
            fallback: BatonConfiguration.defaultDatabaseStartupWait,
            environment: environment
        )
    }

    /// `BATON_PREVIOUS_MASTER_KEYS`: comma-separated base64 keys, accepted for opening during a master-key change-over.
    static func previousMasterKeys(_ environment: [String: String]) throws(ConfigurationError) -> [MasterKey] {
        guard let raw = environment["BATON_PREVIOUS_MASTER_KEYS"], !raw.isEmpty else { return [] }
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
