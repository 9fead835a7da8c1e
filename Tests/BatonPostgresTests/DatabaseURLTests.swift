import BatonCore
import BatonPostgres
import PostgresNIO
import Testing

@Suite("Database URLs")
struct DatabaseURLTests {
    @Test("postgres URLs with credentials, port, database and sslmode parse")
    func parses() throws {
        let config = try DatabaseURL.configuration(from: "postgres://baton:s%40cret@db.example:6543/auth?sslmode=disable")
        #expect(config.host == "db.example")
        #expect(config.port == 6543)
        #expect(config.username == "baton")
        #expect(config.password == "s@cret")
        #expect(config.database == "auth")
    }

    @Test("a socket directory in ?host= selects a Unix socket")
    func socket() throws {
        let config = try DatabaseURL.configuration(from: "postgresql://baton@localhost/auth?host=/run/postgresql")
        #expect(config.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
    }

    @Test(
        "other schemes, missing hosts and unknown sslmodes are refused",
        arguments: ["mysql://x/y", "not a url", "postgres:///db", "postgres://h/db?sslmode=sometimes"]
    )
    func refuses(_ url: String) {
        #expect(throws: BatonError.self) { try DatabaseURL.configuration(from: url) }
    }
}
