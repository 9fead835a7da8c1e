import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import BatonHTTPTestSupport

/// Runs the real `baton` binary: a wrong setting is one line and exit 2; SIGTERM drains and exits 0.
@Suite("The baton process", .serialized)
struct ProcessTests {
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("baton")
    }

    /// Starts the `baton` binary with exactly `environment`.
    func launch(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        try ChildProcess(Self.binary.path, arguments, environment: environment)
    }

    /// Runs curl (Foundation on Linux has no HTTP client without FoundationNetworking); its output and exit status.
    static func curl(_ arguments: [String]) async throws -> (output: String, status: Int32) {
        let (status, output) = try await ChildProcess.run("/usr/bin/curl", arguments)
        return (output, status)
    }

    /// The body of a GET; "" on any failure, an HTTP error status included.
    static func get(_ url: String) async throws -> String {
        let (body, status) = try await curl(["-fsS", "--max-time", "2", url])
        return status == 0 ? body : ""
    }

    /// The HTTP status of a GET, "000" when no connection could be made or no answer came within `maxTime` seconds (curl's convention).
    static func status(_ url: String, maxTime seconds: Int = 5) async throws -> String {
        try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "\(seconds)", url]).output
    }

    /// Launches `baton serve` in memory mode on a random port with `settings` and waits until `/readyz` answers;
    /// the caller stops the process. Ports below Linux's ephemeral range (32768+), where parallel live tests take theirs.
    func serve(_ settings: [String: String], _ arguments: [String] = []) async throws -> (baton: ChildProcess, port: Int) {
        let port = Int.random(in: 20_000..<32_000)
        let baton = try launch(["serve", "--port", "\(port)"] + arguments, environment: settings.merging(["BATON_LOG_LEVEL": "warning"]) { $1 })
        try await Self.waitUntil("http://127.0.0.1:\(port)/readyz", answers: "ready")
        return (baton, port)
    }

    /// Waits (bounded, generously) until `url`'s body contains `text`; fails the test if it never does.
    static func waitUntil(_ url: String, answers text: String) async throws {
        try await BatonTestSupport.waitUntil("\(url) answers \(text)", every: .milliseconds(50)) { try await get(url).contains(text) }
    }

    @Test("a wrong setting stops start-up with one line naming it, no stack trace")
    func wrongSetting() async throws {
        let baton = try launch(["serve"], environment: ["BATON_PORT": "not-a-port"])
        defer { baton.stop() }
        #expect(await baton.exited() == 2)
        let stderr = baton.standardError
        #expect(stderr.contains("BATON_PORT"))
        #expect(stderr.split(separator: "\n").count == 1, "stderr: \(stderr)")
    }

    @Test("healthcheck against a port that accepts and never answers gives up at its timeout: exit 1, naming it")
    func healthcheckTimesOut() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let port = try #require(silent.localAddress?.port)
        let check = try launch(["healthcheck", "--port", "\(port)", "--timeout", "1"], environment: [:])
        defer { check.stop() }
        // Bounded generously: the check itself must give up after its one second, not the test.
        #expect(await check.exited(within: .seconds(30)), "still waiting")
        #expect(check.process.terminationStatus == 1)
        #expect(check.standardError.contains("/readyz did not answer"), "\(check.standardError)")
    }

    @Test("with BATON_LOG_FORMAT=json, the one line of a refused start-up is a JSON record naming the setting")
    func wrongSettingAsJSON() async throws {
        let baton = try launch(["serve"], environment: ["BATON_PORT": "not-a-port", "BATON_LOG_FORMAT": "json"])
        defer { baton.stop() }
        #expect(await baton.exited() == 2)
        let lines = baton.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(lines)")
        let record = try #require((try? JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8))) as? [String: Any], "\(lines)")
        #expect(record["level"] as? String == "critical")
        #expect((record["message"] as? String)?.contains("BATON_PORT") == true)
    }

    @Test("PostgreSQL without a master key is refused at start-up")
    func postgresWithoutMasterKey() async throws {
        let baton = try launch(["serve"], environment: ["BATON_DATABASE_URL": "postgres://baton@127.0.0.1:1/x"])
        defer { baton.stop() }
        #expect(await baton.exited() == 2)
        #expect(baton.standardError.contains("BATON_MASTER_KEY"))
    }

    @Test("serve and migrate give up on an unreachable database after BATON_DATABASE_STARTUP_WAIT with one line naming it")
    func unreachableDatabase() async throws {
        let environment = [
            "BATON_DATABASE_URL": "postgres://baton@127.0.0.1:1/baton", "BATON_MASTER_KEY": MasterKey.generate().base64,
            "BATON_DATABASE_STARTUP_WAIT": "1",
            "BATON_PORT": "0",
        ]
        for command in ["serve", "migrate"] {
            let baton = try launch([command], environment: environment)
            defer { baton.stop() }
            #expect(await baton.exited(within: .seconds(20)), "\(command) still running")
            #expect(baton.process.terminationStatus == 2)
            let lastLine = baton.standardError.split(separator: "\n").last.map(String.init) ?? ""
            #expect(
                lastLine.hasPrefix("baton: error:") && lastLine.contains("cannot reach the database at 127.0.0.1:1/baton"),
                "\(command): \(lastLine)"
            )
            #expect(lastLine.lowercased().contains("refused"), "\(command): \(lastLine)")
        }
    }

    @Test("memory mode prints how to call it, serves, and exits 0 on SIGTERM, after its shutdown delay")
    func sigterm() async throws {
        let (baton, port) = try await serve(["BATON_SHUTDOWN_DELAY": "1"])
        defer { baton.stop() }
        #expect(try await Self.get("http://127.0.0.1:\(port)/healthz").contains("ok"))
        baton.process.terminate()  // SIGTERM
        #expect(await baton.exited() == 0)
        #expect(baton.process.terminationReason == .exit)
        let stdout = baton.standardOutput
        #expect(stdout.contains("IN MEMORY"))
        #expect(stdout.contains("curl"))
        #expect(stdout.contains("baton_adm_"))
    }

    @Test("with PostgreSQL, SIGTERM drains and exits 0; with the database down, requests get 503 within seconds and SIGTERM still exits 0")
    func sigtermWithPostgres() async throws {
        try await PrivatePostgres.with { postgres in
            let settings = ["BATON_DATABASE_URL": postgres.url, "BATON_MASTER_KEY": MasterKey.generate().base64, "BATON_SHUTDOWN_DELAY": "1"]
            let (healthy, _) = try await serve(settings, ["--migrate"])
            defer { healthy.stop() }
            healthy.process.terminate()  // SIGTERM
            #expect(await healthy.exited() == 0)
            #expect(healthy.process.terminationReason == .exit)

            let (stranded, port) = try await serve(settings)
            defer { stranded.stop() }
            try await postgres.crash()
            // A request waiting on the dead database is answered 503 (by the probe or the operation deadline;
            // which comes first is `DatabaseOutageTests`' and `RotationBatchTests`' to show, on a test clock).
            #expect(try await Self.status("http://127.0.0.1:\(port)/t/nosuchtenant/.well-known/jwks.json", maxTime: 30) == "503")
            stranded.process.terminate()
            #expect(await stranded.exited(within: .seconds(30)), "still running 30 s after SIGTERM")
            #expect(stranded.process.terminationReason == .exit)
            #expect(stranded.process.terminationStatus == 0)
        }
    }

    @Test("requests sent all through a SIGTERM get 200 until the port closes, never a 5xx")
    func noErrorsThroughShutdown() async throws {
        let (baton, port) = try await serve(["BATON_SHUTDOWN_DELAY": "1"])
        defer { baton.stop() }
        let answered = AnsweredCount()
        let codes = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var codes: [String] = []
                    while baton.process.isRunning {
                        codes.append(try await Self.status("http://127.0.0.1:\(port)/t/demo/.well-known/jwks.json"))
                        answered.count.withLock { $0 += 1 }
                    }
                    return codes
                }
            }
            try await BatonTestSupport.waitUntil("both loops are sending") { answered.count.withLock { $0 } >= 4 }
            baton.process.terminate()  // SIGTERM while the loops keep sending
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(await baton.exited() == 0)
        #expect(codes.filter { $0 == "200" }.count > 8, "\(codes.count) requests")
        // 000: the port was already closed (the client retries elsewhere); anything else is a failure.
        #expect(codes.allSatisfy { $0 == "200" || $0 == "000" }, "codes: \(Set(codes))")
    }

    /// A JSON request to the process with `curl`: the body it answered and its status.
    static func send(
        _ method: String,
        _ url: String,
        json: String? = nil,
        form: String? = nil,
        key: String? = nil,
        headers: [String] = []
    ) async throws -> (body: [String: Any], status: Int) {
        var arguments = ["-s", "-X", method, "-w", "\n%{http_code}", "--max-time", "10"]
        for header in headers { arguments += ["-H", header] }
        if let key { arguments += ["-H", "Authorization: Bearer \(key)"] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-raw", json] }
        if let form { arguments += ["-H", "Content-Type: application/x-www-form-urlencoded", "--data-raw", form] }
        let output = try await curl(arguments + [url]).output
        let body = output.split(separator: "\n").dropLast().joined(separator: "\n")
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        return (object, Int(output.split(separator: "\n").last ?? "") ?? 0)
    }

    @Test(
        "BATON_LOG_FORMAT=json: every line migrate and serve write over a whole lifecycle on PostgreSQL is one JSON object; healthcheck follows readiness"
    )
    func jsonLifecycle() async throws {
        try await PrivatePostgres.with { postgres in
            let adminKey = "process-test-operator-key-0123456789"
            let settings = [
                "BATON_DATABASE_URL": postgres.url, "BATON_MASTER_KEY": MasterKey.generate().base64, "BATON_ADMIN_KEY": adminKey,
                "BATON_LOG_FORMAT": "json", "BATON_SHUTDOWN_DELAY": "5",
            ]
            let migrate = try launch(["migrate"], environment: settings)
            defer { migrate.stop() }
            #expect(await migrate.exited() == 0)
            let port = Int.random(in: 20_000..<32_000)
            let baton = try launch(["serve", "--port", "\(port)"], environment: settings.merging(["BATON_LOG_LEVEL": "info"]) { $1 })
            defer { baton.stop() }
            let base = "http://127.0.0.1:\(port)"
            try await Self.waitUntil("\(base)/readyz", answers: "ready")
            let healthcheck = ["healthcheck", "--port", "\(port)"]
            #expect(try await ChildProcess.run(Self.binary.path, healthcheck, environment: settings).status == 0)

            #expect(try await Self.send("POST", "\(base)/admin/v1/tenants", json: #"{"id": "logs"}"#, key: adminKey).status == 201)
            let client = #"{"client_id": "app", "name": "App", "type": "public", "grant_types": ["refresh_token"]}"#
            #expect(try await Self.send("POST", "\(base)/admin/v1/tenants/logs/clients", json: client, key: adminKey).status == 201)
            let user = #"{"username": "ada", "password": "ada-password-1"}"#
            #expect(try await Self.send("POST", "\(base)/admin/v1/tenants/logs/users", json: user, key: adminKey).status == 201)
            let login = try await Self.send(
                "POST",
                "\(base)/t/logs/login",
                json: #"{"client_id": "app", "username": "ada", "password": "ada-password-1"}"#
            )
            let r0 = try #require(login.body["refresh_token"] as? String)
            let r1 = try #require(
                try await Self.send("POST", "\(base)/t/logs/oauth/token", form: "grant_type=refresh_token&client_id=app&refresh_token=\(r0)").body[
                    "refresh_token"
                ] as? String
            )
            #expect(
                try await Self.send("POST", "\(base)/t/logs/oauth/token", form: "grant_type=refresh_token&client_id=app&refresh_token=\(r1)").status
                    == 200
            )
            #expect(
                try await Self.send("POST", "\(base)/t/logs/oauth/token", form: "grant_type=refresh_token&client_id=app&refresh_token=\(r0)").status
                    == 400
            )

            baton.process.terminate()  // SIGTERM: readiness fails for the shutdown delay, then the port closes
            try await BatonTestSupport.waitUntil("healthcheck reports the instance not ready", every: .milliseconds(50)) {
                let check = try ChildProcess(Self.binary.path, healthcheck, environment: settings)
                defer { check.stop() }
                return await check.exited() == 1 && check.standardError.contains("answered 503")
            }
            #expect(await baton.exited() == 0)

            let lines = (migrate.standardError + baton.standardError).split(separator: "\n").map(String.init)
            #expect(lines.count > 10, "\(lines)")
            var messages: [String] = []
            for line in lines {
                let object = try #require(
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                    "not one JSON object: \(line)"
                )
                #expect(object["timestamp"] is String && object["level"] is String && object["logger"] is String && object["source"] is String)
                messages.append(try #require(object["message"] as? String))
                if object["message"] as? String == "refresh_token.reuse_detected" {
                    #expect(object["tenant"] as? String == "logs")
                    #expect((object["request_id"] as? String)?.isEmpty == false)
                }
                for secret in [r0, r1, adminKey, settings["BATON_MASTER_KEY"]!, "ada-password-1"] {
                    #expect(!line.contains(secret), "a log line holds a secret: \(line.prefix(120))")
                }
            }
            #expect(messages.contains("refresh_token.reuse_detected"))
            #expect(messages.contains { $0.contains("migration") }, "\(messages)")
        }
    }

    @Test("a client connection left idle is closed after BATON_HTTP_IDLE_TIMEOUT, not before")
    func idleConnectionsClosed() async throws {
        let (baton, port) = try await serve(["BATON_HTTP_IDLE_TIMEOUT": "1"])
        defer { baton.stop() }

        // Not closed before it is idle: two requests back to back share one connection.
        let url = "http://127.0.0.1:\(port)/healthz"
        let connects = try await Self.curl(["-s", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects}\\n", url, url]).output
        #expect(connects.split(separator: "\n") == ["1", "0"], "connections opened per request: \(connects)")

        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        // Closed by the server, or by us after a generous 30 s, which fails the test. Hummingbird's idle timer is
        // NIO's; that Baton hands it the setting is `ConfigurationTests`' to show.
        let gaveUp = Mutex(false)
        let giveUp = channel.eventLoop.scheduleTask(in: .seconds(30)) {
            gaveUp.withLock { $0 = true }
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        giveUp.cancel()
        #expect(!gaveUp.withLock { $0 }, "the idle connection was never closed")
    }

    @Test("serve refuses a schema that is behind and names the fix; baton migrate applies it")
    func behindSchemaThenMigrate() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let environment = ["BATON_DATABASE_URL": url, "BATON_MASTER_KEY": Data(repeating: 1, count: 32).base64EncodedString(), "BATON_PORT": "0"]
            let serve = try launch(["serve"], environment: environment)
            defer { serve.stop() }
            #expect(await serve.exited() == 2)
            #expect(serve.standardError.contains("baton migrate"))

            let migrate = try launch(["migrate"], environment: environment)
            defer { migrate.stop() }
            #expect(await migrate.exited() == 0)
            #expect(migrate.standardOutput.contains("applied migrations: 1"))

            let again = try launch(["migrate"], environment: environment)
            defer { again.stop() }
            #expect(await again.exited() == 0)
            #expect(again.standardOutput.contains("up to date"))
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
                    store: store,
                    keyFactory: SigningKeyFactory(sealer: SecretSealer(current: old)),
                    jwksCache: JWKSCache(),
                    clock: SystemClock(),
                    logger: Logger(label: "t")
                ).create(slug: "rewrapped", displayName: nil, settings: .init())
            }
            let environment = ["BATON_DATABASE_URL": url, "BATON_MASTER_KEY": new.base64]
            let refused = try launch(["rewrap"], environment: environment)
            defer { refused.stop() }
            #expect(await refused.exited() == 2)
            #expect(refused.standardError.contains("BATON_PREVIOUS_MASTER_KEYS"))

            let rewrap = try launch(["rewrap"], environment: environment.merging(["BATON_PREVIOUS_MASTER_KEYS": old.base64]) { $1 })
            defer { rewrap.stop() }
            #expect(await rewrap.exited() == 0)
            #expect(rewrap.standardOutput.contains("rewrapped: 3 secrets re-sealed"))
            try await TestDatabase.withClient(url: url) { client in
                let store = PostgresStore(client: client, logger: Logger(label: "t"))
                let claims = AccessTokenClaims(
                    issuer: "i",
                    subject: "s",
                    audience: ["i"],
                    issuedAt: Date(),
                    lifetime: 60,
                    clientID: "c",
                    scope: [],
                    sessionID: nil
                )
                _ = try await SigningKeyRing(sealer: SecretSealer(current: new)).sign(claims, tenantID: tenant.id, store: store)
            }
        }
    }
}

/// Requests answered so far, shared by the sending loops and the test.
private final class AnsweredCount: Sendable {
    let count = Mutex(0)
}
