import BatonCore
import BatonTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

/// `serve` behind PgBouncer in transaction mode, as a new user would start it: it becomes ready, or exits 2 at once
/// with one line naming where and why; a signal ends it at any point of start-up.
@Suite("Start-up behind a pooler", .serialized)
struct PoolerStartupTests {
    /// The pooler's address, as `serve` names it in messages.
    static func destination(_ url: String) throws -> String {
        let components = try #require(URLComponents(string: url))
        return "\(components.host ?? ""):\(components.port ?? 0)\(components.path)"
    }

    func launch(_ environment: [String: String]) throws -> ChildProcess {
        try ChildProcess(
            ProcessTests.binary.path,
            ["serve"],
            environment: ["BATON_MASTER_KEY": MasterKey.generate().base64, "BATON_PORT": "0", "BATON_LOG_LEVEL": "warning"].merging(environment) {
                $1
            }
        )
    }

    /// The last line of standard error, which start-up failures are.
    func lastLine(_ process: ChildProcess) -> String { process.standardError.split(separator: "\n").last.map(String.init) ?? "" }

    @Test("direct pooling behind PgBouncer: exit 2 at once, naming host, port, database, the refused parameter and the fix")
    func directPoolingRefused() async throws {
        // The pooler's own role without the pooled role's settings: what matters here is the startup parameter.
        let url = try TestDatabase.pooledURL().replacingOccurrences(of: "baton_pooled@", with: "baton@")
        let baton = try launch(["BATON_DATABASE_URL": url, "BATON_DATABASE_STARTUP_WAIT": "600"])
        defer { baton.stop() }
        // A refusal that waiting cannot fix stops start-up at once, long before the start-up wait.
        #expect(await baton.exited(within: .seconds(60)), "still running")
        #expect(baton.process.terminationStatus == 2)
        let line = lastLine(baton)
        #expect(line.hasPrefix("baton: error: cannot reach the database at \(try Self.destination(url))"), "\(line)")
        #expect(line.contains("unsupported startup parameter"), "\(line)")
        #expect(line.contains("BATON_DATABASE_POOLING=transaction"), "\(line)")
    }

    @Test("transaction pooling without the statement timeout on the role: exit 2 naming both values and the ALTER ROLE")
    func roleWithoutTimeout() async throws {
        let url = try TestDatabase.pooledURL().replacingOccurrences(of: "baton_pooled@", with: "baton@")
        let baton = try launch([
            "BATON_DATABASE_URL": url, "BATON_DATABASE_POOLING": "transaction", "BATON_DATABASE_LISTEN_URL": try TestDatabase.url(),
        ])
        defer { baton.stop() }
        #expect(await baton.exited(within: .seconds(60)), "still running")
        #expect(baton.process.terminationStatus == 2)
        let line = lastLine(baton)
        #expect(line.contains(try Self.destination(url)), "\(line)")
        #expect(line.contains("runs with 0 ms") && line.contains("5000 ms") && line.contains("ALTER ROLE"), "\(line)")
    }

    @Test("transaction pooling with the role's timeout: ready, and SIGTERM exits 0")
    func pooledServes() async throws {
        let port = Int.random(in: 20_000..<32_000)
        let baton = try ChildProcess(
            ProcessTests.binary.path,
            ["serve", "--migrate", "--port", "\(port)"],
            environment: [
                "BATON_MASTER_KEY": MasterKey.generate().base64, "BATON_LOG_LEVEL": "warning", "BATON_DATABASE_URL": try TestDatabase.pooledURL(),
                "BATON_DATABASE_POOLING": "transaction", "BATON_DATABASE_LISTEN_URL": try TestDatabase.url(), "BATON_SHUTDOWN_DELAY": "0",
            ]
        )
        defer { baton.stop() }
        do {
            try await ProcessTests.waitUntil("http://127.0.0.1:\(port)/readyz", answers: "ready")
        } catch {
            Issue.record("not ready; its standard error: \(baton.standardError)")
            throw error
        }
        baton.process.terminate()
        #expect(await baton.exited() == 0)
    }

    @Test("SIGTERM while start-up waits for a database that accepts and never answers: exit within seconds")
    func signalDuringStartup() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let port = try #require(silent.localAddress?.port)
        let baton = try launch(["BATON_DATABASE_URL": "postgres://baton@127.0.0.1:\(port)/baton", "BATON_DATABASE_STARTUP_WAIT": "600"])
        defer { baton.stop() }
        // Start-up has begun waiting once it says so (its first attempt is bounded by 5 s).
        try await waitUntil("serve waits for the database", every: .milliseconds(50)) { baton.standardError.contains("waiting for the database") }
        baton.process.terminate()  // SIGTERM
        #expect(await baton.exited(within: .seconds(30)), "still running 30 s after SIGTERM")
        #expect(!lastLine(baton).isEmpty)
    }
}
