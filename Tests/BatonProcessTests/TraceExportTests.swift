import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing

/// Traces from the real binary, received over OTLP/HTTP (JSON) by a receiver in the test: their shape, the caller's
/// `traceparent` continued, and the trace id in the request's log lines.
@Suite("Traces", .serialized)
struct TraceExportTests {
    /// Every span the receiver was sent, as OTLP JSON objects.
    final class Received: Sendable {
        let bodies = Mutex<[Data]>([])
        /// The values of the `x-collector-key` header the exporter sent.
        let headers = Mutex<Set<String>>([])

        func add(_ body: ByteBuffer) { bodies.withLock { $0.append(Data(body.readableBytesView)) } }

        var all: [[String: Any]] {
            bodies.withLock { $0 }.flatMap { body -> [[String: Any]] in
                guard let export = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
                let resourceSpans = export["resourceSpans"] as? [[String: Any]] ?? []
                return resourceSpans.flatMap { ($0["scopeSpans"] as? [[String: Any]] ?? []).flatMap { $0["spans"] as? [[String: Any]] ?? [] } }
            }
        }
    }

    /// OTLP/JSON ids are hex; some encoders send base64: both read as lowercase hex.
    static func hex(_ id: Any?) -> String {
        guard let id = id as? String else { return "" }
        if id.count == 32 || id.count == 16, id.allSatisfy(\.isHexDigit) { return id.lowercased() }
        guard let bytes = Data(base64Encoded: id) else { return id }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func attribute(_ span: [String: Any], _ key: String) -> Any? {
        let attributes = span["attributes"] as? [[String: Any]] ?? []
        guard let value = attributes.first(where: { $0["key"] as? String == key })?["value"] as? [String: Any] else { return nil }
        return value["stringValue"] ?? value["intValue"].map { "\($0)" }
    }

    /// Runs `body` with an OTLP/HTTP receiver on a port of its own, collecting what it is sent.
    static func withReceiver(_ body: @Sendable (Received, Int) async throws -> Void) async throws {
        let received = Received()
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            if let key = request.headers[HTTPField.Name("x-collector-key")!] { received.headers.withLock { _ = $0.insert(key) } }
            received.add(try await request.body.collect(upTo: 16 << 20))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let receiverPort = Mutex<Int?>(nil)
        let receiver = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in receiverPort.withLock { $0 = channel.localAddress?.port } },
            logger: Logger(label: "otlp-receiver")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receiver.runService() }
            defer { group.cancelAll() }
            try await waitUntil("the receiver listens") { receiverPort.withLock { $0 } != nil }
            try await body(received, try #require(receiverPort.withLock { $0 }))
        }
    }

    @Test("spans still queued at SIGTERM are sent before the process exits")
    func flushedAtShutdown() async throws {
        try await Self.withReceiver { received, otlpPort in
            let settings = [
                "BATON_LOG_FORMAT": "json", "BATON_SHUTDOWN_DELAY": "0",
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(otlpPort)", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                // Nothing leaves on the schedule during the test: only the shutdown's flush can send the span.
                "OTEL_BSP_SCHEDULE_DELAY": "600000",
            ]
            let port = Int.random(in: 20_000..<32_000)
            let baton = try ChildProcess(ProcessTests.binary.path, ["serve", "--port", "\(port)"], environment: settings)
            defer { baton.stop() }
            try await ProcessTests.waitUntil("http://127.0.0.1:\(port)/readyz", answers: "ready")
            let traceID = "0af7651916cd43dd8448eb211c80319c"
            _ = try await ProcessTests.send(
                "GET",
                "http://127.0.0.1:\(port)/t/demo/.well-known/jwks.json",
                headers: ["traceparent: 00-\(traceID)-b7ad6b7169203331-01"]
            )
            #expect(received.all.isEmpty, "sent before the shutdown")
            baton.process.terminate()
            #expect(await baton.exited() == 0)
            let span = received.all.first { Self.hex($0["traceId"]) == traceID }
            #expect(span?["name"] as? String == "GET /t/{tenant}/.well-known/jwks.json", "\(received.all)")
        }
    }

    @Test(
        "a refresh is a server span named for its route, continuing the caller's traceparent, with store spans under it; login has a password span; the request's log lines carry the trace id"
    )
    func traceShape() async throws {
        try await Self.withReceiver { received, otlpPort in
            try await PrivatePostgres.with { postgres in
                let adminKey = "trace-test-operator-key-0123456789"
                let settings = [
                    "BATON_DATABASE_URL": postgres.url, "BATON_MASTER_KEY": MasterKey.generate().base64, "BATON_ADMIN_KEY": adminKey,
                    "BATON_LOG_FORMAT": "json", "BATON_LOG_LEVEL": "info", "BATON_SHUTDOWN_DELAY": "0",
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(otlpPort)", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                    "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_EXPORTER_OTLP_HEADERS": "x-collector-key=collector-secret-0123",
                ]
                let port = Int.random(in: 20_000..<32_000)
                let baton = try ChildProcess(ProcessTests.binary.path, ["serve", "--port", "\(port)", "--migrate"], environment: settings)
                defer { baton.stop() }
                let base = "http://127.0.0.1:\(port)"
                try await ProcessTests.waitUntil("\(base)/readyz", answers: "ready")
                #expect(try await ProcessTests.send("POST", "\(base)/admin/v1/tenants", json: #"{"id": "traced"}"#, key: adminKey).status == 201)
                let client = #"{"client_id": "app", "name": "App", "type": "public", "grant_types": ["refresh_token"]}"#
                #expect(try await ProcessTests.send("POST", "\(base)/admin/v1/tenants/traced/clients", json: client, key: adminKey).status == 201)
                let user = #"{"username": "ada", "password": "ada-password-1"}"#
                #expect(try await ProcessTests.send("POST", "\(base)/admin/v1/tenants/traced/users", json: user, key: adminKey).status == 201)

                let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
                let (loginParent, refreshParent, reuseParent) = ("00f067aa0ba902b7", "00f067aa0ba902b8", "00f067aa0ba902b9")
                let traceparent = { (parent: String) in "traceparent: 00-\(traceID)-\(parent)-01" }
                let login = try await ProcessTests.send(
                    "POST",
                    "\(base)/t/traced/login",
                    json: #"{"client_id": "app", "username": "ada", "password": "ada-password-1"}"#,
                    headers: [traceparent(loginParent)]
                )
                let r0 = try #require(login.body["refresh_token"] as? String)
                let refresh = "grant_type=refresh_token&client_id=app&refresh_token="
                let refreshed = try await ProcessTests.send(
                    "POST",
                    "\(base)/t/traced/oauth/token",
                    form: refresh + r0,
                    headers: [traceparent(refreshParent)]
                )
                let r1 = try #require(refreshed.body["refresh_token"] as? String)
                #expect(try await ProcessTests.send("POST", "\(base)/t/traced/oauth/token", form: refresh + r1).status == 200)
                #expect(
                    try await ProcessTests.send("POST", "\(base)/t/traced/oauth/token", form: refresh + r0, headers: [traceparent(reuseParent)])
                        .status == 400
                )

                func server(_ parent: String) -> [String: Any]? {
                    received.all.first { Self.hex($0["parentSpanId"]) == parent && Self.hex($0["traceId"]) == traceID }
                }
                try await waitUntil("the three traced requests' server spans arrive") {
                    server(loginParent) != nil && server(refreshParent) != nil && server(reuseParent) != nil
                }
                let spans = received.all
                func children(of span: [String: Any]) -> [String] {
                    let id = Self.hex(span["spanId"])
                    return spans.filter { Self.hex($0["parentSpanId"]) == id }.compactMap { $0["name"] as? String }
                }
                let refreshSpan = try #require(server(refreshParent))
                #expect(refreshSpan["name"] as? String == "POST /t/{tenant}/oauth/token")
                #expect(refreshSpan["kind"] as? String == "SPAN_KIND_SERVER" || "\(refreshSpan["kind"] ?? "")" == "2", "\(refreshSpan)")
                #expect(Self.attribute(refreshSpan, "http.route") as? String == "/t/{tenant}/oauth/token")
                #expect(Self.attribute(refreshSpan, "http.response.status_code") as? String == "200")
                #expect(Self.attribute(refreshSpan, "baton.tenant") as? String == "traced")
                #expect(children(of: refreshSpan).contains("db rotate(_:)"), "\(children(of: refreshSpan))")
                let loginSpan = try #require(server(loginParent))
                #expect(loginSpan["name"] as? String == "POST /t/{tenant}/login")
                #expect(children(of: loginSpan).contains("password.verify"), "\(children(of: loginSpan))")
                #expect(children(of: loginSpan).contains("db createSession(_:)"), "\(children(of: loginSpan))")
                #expect(Self.attribute(try #require(server(reuseParent)), "http.response.status_code") as? String == "400")
                // No span records the query, a header or a body: nothing of a token reaches the trace backend.
                let everything = String(decoding: try JSONSerialization.data(withJSONObject: spans), as: UTF8.self)
                #expect(!everything.contains(r0) && !everything.contains(r1) && !everything.contains("ada-password-1"))

                baton.process.terminate()
                #expect(await baton.exited() == 0)
                let records = baton.standardError.split(separator: "\n").compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
                }
                #expect(records.count == baton.standardError.split(separator: "\n").count, "every line is JSON")
                #expect(!baton.standardError.contains("collector-secret-0123"), "the collector's key stays out of the log")
                #expect(received.headers.withLock { $0 }.contains("collector-secret-0123"), "the exporter sends OTEL_EXPORTER_OTLP_HEADERS")
                let reuse = try #require(records.first { $0["message"] as? String == "refresh_token.reuse_detected" })
                #expect(reuse["trace_id"] as? String == traceID, "\(reuse)")
                #expect(records.filter { $0["trace_id"] != nil }.allSatisfy { $0["request_id"] != nil }, "a line inside a span is a request's line")
            }
        }
    }
}
