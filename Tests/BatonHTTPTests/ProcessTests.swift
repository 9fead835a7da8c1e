import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

/// Runs the real `baton` binary: a wrong setting is one line and exit 2; SIGTERM drains and exits 0.
@Suite("The baton process", .serialized)
struct ProcessTests {
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("baton")
    }

    func launch(_ arguments: [String], environment: [String: String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs curl (Foundation on Linux has no HTTP client without FoundationNetworking); its output and exit status.
    static func curl(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = arguments
        let out = Pipe()
        curl.standardOutput = out
        curl.standardError = FileHandle.nullDevice
        try curl.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), curl.terminationStatus)
    }

    /// The body of a GET; "" on any failure, an HTTP error status included.
    static func get(_ url: String) throws -> String {
        let (body, status) = try curl(["-fsS", "--max-time", "2", url])
        return status == 0 ? body : ""
    }

    /// The HTTP status of a GET, "000" when no connection could be made or no answer came within `maxTime` seconds (curl's convention).
    static func status(_ url: String, maxTime seconds: Int = 5) throws -> String {
        try curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "\(seconds)", url]).output
    }

    /// Launches `baton serve` in memory mode on a random port with `settings` and waits until `/readyz` answers;
    /// the caller stops the process. Ports below Linux's ephemeral range (32768+), where parallel live tests take theirs.
    func serve(_ settings: [String: String], _ arguments: [String] = []) async throws -> (process: Process, port: Int, stdout: Pipe) {
        let port = Int.random(in: 20_000..<32_000)
        let (process, out, _) = try launch(["serve", "--port", "\(port)"] + arguments, environment: settings.merging(["BATON_LOG_LEVEL": "warning"]) { $1 })
        #expect(try await Self.waitUntil("http://127.0.0.1:\(port)/readyz", answers: "ready"))
        return (process, port, out)
    }

    /// Polls `url` every 100 ms for up to 10 s; true once its body contains `text`.
    static func waitUntil(_ url: String, answers text: String) async throws -> Bool {
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(100))
            if try get(url).contains(text) { return true }
        }
        return false
    }

    @Test("a wrong setting stops start-up with one line naming it, no stack trace")
    func wrongSetting() throws {
        let (process, _, err) = try launch(["serve"], environment: ["BATON_PORT": "not-a-port"])
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("BATON_PORT"))
        #expect(stderr.split(separator: "\n").count == 1, "stderr: \(stderr)")
    }

    @Test("PostgreSQL without a master key is refused at start-up")
    func postgresWithoutMasterKey() throws {
        let (process, _, err) = try launch(["serve"], environment: ["BATON_DATABASE_URL": "postgres://baton@127.0.0.1:1/x"])
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("BATON_MASTER_KEY"))
    }

    @Test("memory mode prints how to call it, serves, and exits 0 on SIGTERM")
    func sigterm() async throws {
        let (process, port, out) = try await serve([:])
        #expect(try Self.get("http://127.0.0.1:\(port)/healthz").contains("ok"))
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stdout.contains("IN MEMORY"))
        #expect(stdout.contains("curl"))
        #expect(stdout.contains("baton_adm_"))
    }

    @Test("on SIGTERM readiness fails at once while requests are still served for BATON_SHUTDOWN_DELAY; then it exits 0")
    func shutdownDelay() async throws {
        let (process, port, _) = try await serve(["BATON_SHUTDOWN_DELAY": "2"])
        defer { if process.isRunning { process.interrupt() } }
        let signalled = ContinuousClock.now
        process.terminate()  // SIGTERM
        try await Task.sleep(for: .milliseconds(300))
        #expect(try Self.get("http://127.0.0.1:\(port)/readyz").isEmpty, "readyz must fail once shutdown began")
        #expect(try Self.get("http://127.0.0.1:\(port)/healthz").contains("ok"), "requests are still served during the delay")
        #expect(process.isRunning)
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let stoppedAfter = ContinuousClock.now - signalled
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(stoppedAfter >= .seconds(2) && stoppedAfter < .seconds(10), "stopped after \(stoppedAfter)")
    }

    @Test("with PostgreSQL, SIGTERM drains and exits 0; with the database down, requests get 503 within seconds and SIGTERM still exits 0")
    func sigtermWithPostgres() async throws {
        try await PrivatePostgres.with { postgres in
            let settings = ["BATON_DATABASE_URL": postgres.url, "BATON_MASTER_KEY": MasterKey.generate().base64, "BATON_SHUTDOWN_DELAY": "1"]
            let (healthy, _, _) = try await serve(settings, ["--migrate"])
            defer { if healthy.isRunning { healthy.interrupt() } }
            healthy.terminate()  // SIGTERM
            healthy.waitUntilExit()
            #expect(healthy.terminationReason == .exit)
            #expect(healthy.terminationStatus == 0)

            let (stranded, port, _) = try await serve(settings)
            defer { if stranded.isRunning { stranded.interrupt() } }
            try postgres.crash()
            // A request waiting on the dead database is answered 503 once the probe finds it silent (about 3 s),
            // before its 10 s operation deadline.
            let sent = ContinuousClock.now
            #expect(try Self.status("http://127.0.0.1:\(port)/t/nosuchtenant/.well-known/jwks.json", maxTime: 20) == "503")
            #expect(ContinuousClock.now - sent < .seconds(8), "answered after \(ContinuousClock.now - sent)")
            let signalled = ContinuousClock.now
            stranded.terminate()
            while stranded.isRunning && ContinuousClock.now - signalled < .seconds(30) { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!stranded.isRunning, "still running 30 s after SIGTERM")
            #expect(stranded.terminationReason == .exit)
            #expect(stranded.terminationStatus == 0)
        }
    }

    @Test("requests sent all through a SIGTERM get 200 until the port closes, never a 5xx")
    func noErrorsThroughShutdown() async throws {
        let (process, port, _) = try await serve(["BATON_SHUTDOWN_DELAY": "1"])
        defer { if process.isRunning { process.interrupt() } }
        let codes = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var codes: [String] = []
                    while process.isRunning {
                        codes.append(try Self.status("http://127.0.0.1:\(port)/t/demo/.well-known/jwks.json"))
                        await Task.yield()  // curl blocks this thread; let the signalling task run
                    }
                    return codes
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            process.terminate()  // SIGTERM while the loops keep sending
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(process.terminationStatus == 0)
        #expect(codes.filter { $0 == "200" }.count > 8, "\(codes.count) requests")
        // 000: the port was already closed (the client retries elsewhere); anything else is a failure.
        #expect(codes.allSatisfy { $0 == "200" || $0 == "000" }, "codes: \(Set(codes))")
    }

    @Test("a client connection left idle is closed after BATON_HTTP_IDLE_TIMEOUT, not before")
    func idleConnectionsClosed() async throws {
        let (process, port, _) = try await serve(["BATON_HTTP_IDLE_TIMEOUT": "1"])
        defer { process.terminate() }

        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        let start = ContinuousClock.now
        // Closed by the server, or by us after 10 s (which the bound below then reports).
        let giveUp = channel.eventLoop.scheduleTask(in: .seconds(10)) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        giveUp.cancel()
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(900) && waited < .seconds(5), "closed after \(waited)")
    }

    @Test("serve refuses a schema that is behind and names the fix; baton migrate applies it")
    func behindSchemaThenMigrate() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let environment = ["BATON_DATABASE_URL": url, "BATON_MASTER_KEY": Data(repeating: 1, count: 32).base64EncodedString(), "BATON_PORT": "0"]
            let (serve, _, serveErr) = try launch(["serve"], environment: environment)
            serve.waitUntilExit()
            let stderr = String(decoding: serveErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(serve.terminationStatus == 2)
            #expect(stderr.contains("baton migrate"))

            let (migrate, migrateOut, _) = try launch(["migrate"], environment: environment)
            migrate.waitUntilExit()
            #expect(migrate.terminationStatus == 0)
            #expect(String(decoding: migrateOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("applied migrations: 1"))

            let (again, againOut, _) = try launch(["migrate"], environment: environment)
            again.waitUntilExit()
            #expect(again.terminationStatus == 0)
            #expect(String(decoding: againOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("up to date"))
        }
    }

    @Test("baton rewrap re-seals every tenant under the new master key; the service then needs only the new key")
    func rewrap() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            let tenant = try await TestDatabase.withClient(url: url) { client in
                let store = PostgresStore(client: client, logger: Logger(label: "t"))
                return try await TenantService(
                    store: store, keyFactory: SigningKeyFactory(sealer: SecretSealer(current: old)), jwksCache: JWKSCache(), clock: SystemClock(),
                    logger: Logger(label: "t")
                ).create(slug: "rewrapped", displayName: nil, settings: .init())
            }
            let environment = ["BATON_DATABASE_URL": url, "BATON_MASTER_KEY": new.base64]
            let (refused, _, refusedErr) = try launch(["rewrap"], environment: environment)
            refused.waitUntilExit()
            #expect(refused.terminationStatus == 2)
            #expect(String(decoding: refusedErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("BATON_PREVIOUS_MASTER_KEYS"))

            let (process, out, _) = try launch(["rewrap"], environment: environment.merging(["BATON_PREVIOUS_MASTER_KEYS": old.base64]) { $1 })
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("rewrapped: 3 secrets re-sealed"))
            try await TestDatabase.withClient(url: url) { client in
                let store = PostgresStore(client: client, logger: Logger(label: "t"))
                let claims = AccessTokenClaims(issuer: "i", subject: "s", audience: ["i"], issuedAt: Date(), lifetime: 60, clientID: "c", scope: [], sessionID: nil)
                _ = try await SigningKeyRing(sealer: SecretSealer(current: new)).sign(claims, tenantID: tenant.id, store: store)
            }
        }
    }
}
