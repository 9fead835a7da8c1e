import BatonCore
import Foundation
import PostgresNIO

/// Parses `postgres://user:password@host:port/database?sslmode=...` (or `?host=/socket/dir`) into client settings.
public enum DatabaseURL {
    public static func configuration(from string: String) throws(BatonError) -> PostgresClient.Configuration {
        guard let components = URLComponents(string: string), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw .invalidInput("BATON_DATABASE_URL must be a postgres:// URL")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.drop(while: { $0 == "/" })
        let database = path.isEmpty ? nil : String(path)
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            return .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidInput("BATON_DATABASE_URL has no host") }
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "disable" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw .invalidInput("BATON_DATABASE_URL sslmode must be disable, prefer, require, verify-ca or verify-full")
        }
        return .init(host: host, port: components.port ?? 5432, username: username, password: password, database: database, tls: tls)
    }
}
