import BatonCore
import Foundation
import PostgresNIO

/// Parses `postgres://user:password@host:port/database?sslmode=...` (or `?host=/socket/dir`) into client settings.
public enum DatabaseURL {
    /// Settings for the connection pool.
    public static func configuration(from string: String) throws(BatonError) -> PostgresClient.Configuration {
        let target = try Target(parsing: string)
        switch target.address {
        case .socket(let path):
            return .init(unixSocketPath: path, username: target.username, password: target.password, database: target.database)
        case .host(let host, let port):
            let tls: PostgresClient.Configuration.TLS
            switch target.sslMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(.makeClientConfiguration())
            case .require: tls = .require(.makeClientConfiguration())
            }
            return .init(host: host, port: port, username: target.username, password: target.password, database: target.database, tls: tls)
        }
    }

    /// The same settings for one connection outside any pool, and where it goes, for messages (no credentials).
    public static func connectionConfiguration(from string: String) throws -> (PostgresConnection.Configuration, destination: String) {
        let target = try Target(parsing: string)
        let database = target.database.map { "/\($0)" } ?? ""
        switch target.address {
        case .socket(let path):
            return (
                .init(unixSocketPath: path, username: target.username, password: target.password, database: target.database), "\(path)\(database)"
            )
        case .host(let host, let port):
            let tls: PostgresConnection.Configuration.TLS
            switch target.sslMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            return (
                .init(host: host, port: port, username: target.username, password: target.password, database: target.database, tls: tls),
                "\(host):\(port)\(database)"
            )
        }
    }

    /// What a URL names, before it becomes one driver configuration or the other.
    struct Target {
        enum Address {
            case host(String, port: Int)
            case socket(String)
        }
        enum SSLMode {
            case disable, prefer, require
        }
        let address: Address
        let sslMode: SSLMode
        let username: String
        let password: String?
        let database: String?

        init(parsing string: String) throws(BatonError) {
            guard let components = URLComponents(string: string), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
                throw .invalidInput("BATON_DATABASE_URL must be a postgres:// URL")
            }
            let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
            username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
            password = components.password.flatMap { $0.removingPercentEncoding }
            let path = components.path.drop(while: { $0 == "/" })
            database = path.isEmpty ? nil : String(path)
            if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
                address = .socket("\(socketDirectory)/.s.PGSQL.\(components.port ?? 5432)")
                sslMode = .disable
                return
            }
            guard let host = components.host, !host.isEmpty else { throw .invalidInput("BATON_DATABASE_URL has no host") }
            address = .host(host, port: components.port ?? 5432)
            switch query["sslmode"] ?? "disable" {
            case "disable": sslMode = .disable
            case "prefer", "allow": sslMode = .prefer
            case "require", "verify-ca", "verify-full": sslMode = .require
            default: throw .invalidInput("BATON_DATABASE_URL sslmode must be disable, prefer, require, verify-ca or verify-full")
            }
        }
    }
}
