import ArgumentParser
import BatonCore
import Foundation
import Logging
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

@Suite("Configuration from environment and flags")
struct ConfigurationTests {
    func resolve(_ environment: [String: String], _ arguments: [String] = []) throws(ConfigurationError) -> BatonConfiguration {
        let options = try! ServeOptions.parse(arguments)
        return try ConfigurationResolver.resolve(options: options, environment: environment)
    }

    let masterKey = Data(repeating: 7, count: 32).base64EncodedString()

    @Test("no database means memory mode with an ephemeral master key and safe defaults")
    func defaults() throws {
        let configuration = try resolve([:])
        #expect(configuration.isMemory)
        #expect(configuration.masterKeyIsEphemeral)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.publicURL == "http://127.0.0.1:8080")
        #expect(configuration.logLevel == .info)
        #expect(configuration.databasePoolSize == 32)
        #expect(configuration.httpIdleTimeout == 75)
    }

    @Test("the database pool size comes from BATON_DATABASE_POOL_SIZE")
    func poolSize() throws {
        #expect(try resolve(["BATON_DATABASE_POOL_SIZE": "64"]).databasePoolSize == 64)
    }

    @Test("the shutdown delay is 5 s with PostgreSQL, 0 in memory mode, and can be set")
    func shutdownDelay() throws {
        let postgres = ["BATON_DATABASE_URL": "postgres://u@h/db", "BATON_MASTER_KEY": Data(repeating: 1, count: 32).base64EncodedString()]
        #expect(try resolve(postgres).shutdownDelay == 5)
        #expect(try resolve([:]).shutdownDelay == 0)
        #expect(try resolve(["BATON_SHUTDOWN_DELAY": "12"]).shutdownDelay == 12)
    }

    @Test("the statement timeout (milliseconds, 0 for none) and the queue limit have safe defaults and can be set")
    func databaseLimits() throws {
        let defaults = try resolve([:])
        #expect(defaults.databaseStatementTimeout == 5_000)
        #expect(defaults.databaseQueueLimit == 256)
        let set = try resolve(["BATON_DATABASE_STATEMENT_TIMEOUT": "0", "BATON_DATABASE_QUEUE_LIMIT": "10"])
        #expect(set.databaseStatementTimeout == 0)
        #expect(set.databaseQueueLimit == 10)
    }

    @Test("the operation timeout defaults to 10 s, can be 0 (none), and is never shorter than the statement timeout")
    func operationTimeout() throws {
        #expect(try resolve([:]).databaseOperationTimeout == 10_000)
        #expect(try resolve(["BATON_DATABASE_OPERATION_TIMEOUT": "0"]).databaseOperationTimeout == 0)
        let set = try resolve(["BATON_DATABASE_OPERATION_TIMEOUT": "2000", "BATON_DATABASE_STATEMENT_TIMEOUT": "2000"])
        #expect(set.databaseOperationTimeout == 2_000)
        #expect(throws: ConfigurationError.self) { try resolve(["BATON_DATABASE_OPERATION_TIMEOUT": "4999"]) }
    }

    @Test("the probe's timeout defaults to 2 s and can be set within 100 ms to 10 min")
    func probeTimeout() throws {
        #expect(try resolve([:]).databaseProbeTimeout == 2_000)
        #expect(try resolve(["BATON_DATABASE_PROBE_TIMEOUT": "500"]).databaseProbeTimeout == 500)
        #expect(throws: ConfigurationError.self) { try resolve(["BATON_DATABASE_PROBE_TIMEOUT": "0"]) }
        #expect(throws: ConfigurationError.self) { try resolve(["BATON_DATABASE_PROBE_TIMEOUT": "600001"]) }
    }

    @Test("start-up waits 30 s for an unreachable database unless BATON_DATABASE_STARTUP_WAIT says otherwise (0 = one try)")
    func startupWait() throws {
        #expect(try resolve([:]).databaseStartupWait == 30)
        #expect(try resolve(["BATON_DATABASE_STARTUP_WAIT": "0"]).databaseStartupWait == 0)
        #expect(try Setting.databaseStartupWait.wholeNumber(in: ["BATON_DATABASE_STARTUP_WAIT": "120"]) == 120)
        #expect(throws: ConfigurationError.self) { try resolve(["BATON_DATABASE_STARTUP_WAIT": "-1"]) }
        #expect(throws: ConfigurationError.self) { try Setting.databaseStartupWait.wholeNumber(in: ["BATON_DATABASE_STARTUP_WAIT": "soon"]) }
    }

    @Test("rotations go in batches, at most 2 at the database, unless BATON_ROTATION_BATCHES says otherwise (0 turns it off, at most 64)")
    func rotationBatches() throws {
        #expect(try resolve([:]).rotationBatches == 2)
        #expect(try resolve(["BATON_ROTATION_BATCHES": "0"]).rotationBatches == 0)
        #expect(try resolve(["BATON_ROTATION_BATCHES": "5"]).rotationBatches == 5)
        #expect(throws: ConfigurationError.self) { try resolve(["BATON_ROTATION_BATCHES": "65"]) }
    }

    @Test(
        "the idle timeout of client connections comes from BATON_HTTP_IDLE_TIMEOUT, the read deadlines from BATON_HTTP_HEAD_TIMEOUT and BATON_HTTP_BODY_TIMEOUT; the key scheduler's interval likewise"
    )
    func idleTimeout() throws {
        #expect(try resolve(["BATON_HTTP_IDLE_TIMEOUT": "5"]).httpIdleTimeout == 5)
        let defaults = try resolve([:])
        #expect((defaults.httpHeadTimeout, defaults.httpBodyTimeout) == (10, 30))
        let set = try resolve(["BATON_HTTP_HEAD_TIMEOUT": "3", "BATON_HTTP_BODY_TIMEOUT": "7"])
        #expect((set.httpHeadTimeout, set.httpBodyTimeout) == (3, 7))
        #expect(try resolve(["BATON_KEY_SCHEDULER_INTERVAL": "30"]).keySchedulerInterval == 30)
    }

    @Test("the purge runs every BATON_PURGE_INTERVAL seconds and keeps what the retention settings say, in days")
    func retention() throws {
        let defaults = try resolve([:])
        #expect(defaults.purgeInterval == 600)
        #expect(defaults.retention == RetentionPolicy(endedSessions: 7 * 86_400, auditEvents: 365 * 86_400))
        let set = try resolve(["BATON_PURGE_INTERVAL": "60", "BATON_SESSION_RETENTION_DAYS": "0", "BATON_AUDIT_RETENTION_DAYS": "30"])
        #expect(set.purgeInterval == 60)
        #expect(set.retention.endedSessions == 0)
        #expect(set.retention.auditEvents == 30 * 86_400)
    }

    @Test("a database URL selects PostgreSQL and then requires the master key")
    func postgresNeedsMasterKey() throws {
        #expect(throws: ConfigurationError.self) { try resolve(["BATON_DATABASE_URL": "postgres://u@h/db"]) }
        let configuration = try resolve(["BATON_DATABASE_URL": "postgres://u@h/db", "BATON_MASTER_KEY": masterKey])
        #expect(!configuration.isMemory)
        #expect(!configuration.masterKeyIsEphemeral)
    }

    @Test("flags override the environment")
    func flagsOverride() throws {
        let configuration = try resolve(
            ["BATON_PORT": "9000", "BATON_HOST": "0.0.0.0", "BATON_LOG_LEVEL": "debug"],
            ["--port", "9100", "--log-level", "warning", "--public-url", "https://auth.example.com/"]
        )
        #expect(configuration.port == 9100)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.logLevel == .warning)
        #expect(configuration.publicURL == "https://auth.example.com")
    }

    @Test(
        "each wrong setting fails with one line naming it",
        arguments: [
            (["BATON_PORT": "eighty"], "BATON_PORT"),
            (["BATON_PORT": "70000"], "BATON_PORT"),
            (["BATON_LOG_LEVEL": "loud"], "BATON_LOG_LEVEL"),
            (["BATON_MASTER_KEY": "short"], "BATON_MASTER_KEY"),
            (["BATON_ADMIN_KEY": "tiny"], "BATON_ADMIN_KEY"),
            (["BATON_PUBLIC_URL": "ftp://x"], "BATON_PUBLIC_URL"),
            (["BATON_PUBLIC_URL": "https://x/?a=b"], "BATON_PUBLIC_URL"),
            (["BATON_DATABASE_POOL_SIZE": "0"], "BATON_DATABASE_POOL_SIZE"),
            (["BATON_DATABASE_POOL_SIZE": "1001"], "BATON_DATABASE_POOL_SIZE"),
            (["BATON_DATABASE_POOLING": "session"], "BATON_DATABASE_POOLING"),
            (["BATON_DATABASE_LISTEN_URL": "mysql://x"], "BATON_DATABASE_LISTEN_URL"),
            (
                [
                    "BATON_DATABASE_URL": "postgres://baton@127.0.0.1:6432/baton", "BATON_MASTER_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                    "BATON_DATABASE_POOLING": "transaction",
                ], "BATON_DATABASE_LISTEN_URL"
            ),
            (["BATON_DATABASE_POOL_SIZE": "many"], "BATON_DATABASE_POOL_SIZE"),
            (["BATON_HTTP_IDLE_TIMEOUT": "0"], "BATON_HTTP_IDLE_TIMEOUT"),
            (["BATON_HTTP_IDLE_TIMEOUT": "3601"], "BATON_HTTP_IDLE_TIMEOUT"),
            (["BATON_HTTP_HEAD_TIMEOUT": "0"], "BATON_HTTP_HEAD_TIMEOUT"),
            (["BATON_HTTP_BODY_TIMEOUT": "601"], "BATON_HTTP_BODY_TIMEOUT"),
            (["BATON_KEY_SCHEDULER_INTERVAL": "-1"], "BATON_KEY_SCHEDULER_INTERVAL"),
            (["BATON_PURGE_INTERVAL": "0"], "BATON_PURGE_INTERVAL"),
            (["BATON_SHUTDOWN_DELAY": "301"], "BATON_SHUTDOWN_DELAY"),
            (["BATON_DATABASE_STATEMENT_TIMEOUT": "600001"], "BATON_DATABASE_STATEMENT_TIMEOUT"),
            (["BATON_DATABASE_QUEUE_LIMIT": "-5"], "BATON_DATABASE_QUEUE_LIMIT"),
            (["BATON_DATABASE_OPERATION_TIMEOUT": "600001"], "BATON_DATABASE_OPERATION_TIMEOUT"),
            (["BATON_DATABASE_OPERATION_TIMEOUT": "1000"], "BATON_DATABASE_OPERATION_TIMEOUT"),
            (["BATON_SESSION_RETENTION_DAYS": "-1"], "BATON_SESSION_RETENTION_DAYS"),
            (["BATON_AUDIT_RETENTION_DAYS": "0"], "BATON_AUDIT_RETENTION_DAYS"),
            (["BATON_AUDIT_RETENTION_DAYS": "1.5"], "BATON_AUDIT_RETENTION_DAYS"),
        ]
    )
    func wrongSettings(_ environment: [String: String], _ name: String) {
        do {
            _ = try resolve(environment)
            Issue.record("expected \(name) to be refused")
        } catch {
            #expect(error.description.contains(name))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("--store postgres without a database URL is refused")
    func postgresWithoutURL() {
        #expect(throws: ConfigurationError.self) { try resolve(["BATON_MASTER_KEY": masterKey], ["--store", "postgres"]) }
    }

    @Test("the README's configuration table is the one Setting.all renders")
    func readmeTable() throws {
        let readme = try String(
            contentsOf: RouteCoverageTests.openAPIFile.deletingLastPathComponent().appendingPathComponent("README.md"),
            encoding: .utf8
        )
        #expect(
            readme.contains(Setting.markdownTable),
            "README.md's configuration table differs from Setting.all; it should read:\n\(Setting.markdownTable)"
        )
    }
}
