import BatonCore
import BatonHTTP
import BatonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

@Suite("Operations endpoints, request ids and error shapes")
struct OperationsTests {
    @Test("healthz and readyz answer 200 in memory mode")
    func health() async throws {
        try await TestApp.run { client in
            #expect(try await client.send(.get, "/healthz").status == .ok)
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.json["status"] as? String == "ready")
        }
    }

    @Test("the purge runs as a service of the app: a logged-out session is deleted on the next pass, and the pass is logged")
    func purgeRuns() async throws {
        var configuration = TestApp.configuration()
        configuration.purgeInterval = 1
        configuration.retention.endedSessions = 0
        let records = RecordingLogHandler.Records()
        let clock = TestClock()
        try await TestApp.run(records: records, configuration: configuration, monotonicClock: clock.erased) { client in
            let login = try await Flows.login(client)
            #expect(try await client.send(.post, "/t/demo/logout", headers: [.authorization: "Bearer \(login.access)"]).status == .noContent)
            // Both scheduled jobs ran their first pass at start-up and sleep out their interval.
            try await waitUntil("both scheduled jobs wait for their next pass") { clock.sleeperCount == 2 }
            #expect(!records.all.contains { $0.contains("purge done") && $0.contains("sessions=1") })
            clock.advance(by: .seconds(1))
            try await waitUntil("the next pass purges the session") {
                records.all.contains { $0.contains("purge done") && $0.contains("sessions=1") }
            }
        }
    }

    @Test("the served openapi.yaml is the repository's file")
    func openAPI() async throws {
        try await TestApp.run { client in
            let response = try await client.send(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            let file = try String(contentsOf: RouteCoverageTests.openAPIFile, encoding: .utf8)
            #expect(String(buffer: response.body) == file)
        }
    }

    @Test("unknown routes are a JSON 404; a known path with the wrong method is a JSON 405 with Allow")
    func routingErrors() async throws {
        try await TestApp.run { client in
            let missing = try await client.send(.get, "/nowhere")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")
            let wrong = try await client.send(.put, "/t/demo/.well-known/jwks.json")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.errorCode == "method_not_allowed")
            #expect(wrong.headers[.allow] == "GET")
            let admin = try await client.send(.put, "/admin/v1/tenants/demo", key: TestApp.operatorKey)
            #expect(admin.status == .methodNotAllowed)
            #expect(admin.headers[.allow] == "DELETE, GET, PATCH")
        }
    }

    @Test("every response carries X-Request-Id; a plain caller id is echoed, anything else replaced")
    func requestID() async throws {
        try await TestApp.run { client in
            let header = HTTPField.Name("X-Request-Id")!
            for (method, path) in [(HTTPRequest.Method.get, "/healthz"), (.get, "/nowhere"), (.get, "/admin/v1/tenants"), (.delete, "/healthz")] {
                let response = try await client.send(method, path)
                #expect(response.headers[header]?.isEmpty == false, "\(path)")
            }
            let echoed = try await client.send(.get, "/healthz", headers: [header: "trace-123_abc.def"])
            #expect(echoed.headers[header] == "trace-123_abc.def")
            let hostile = try await client.send(.get, "/healthz", headers: [header: "evil value\twith spaces"])
            #expect(hostile.headers[header] != "evil value\twith spaces")
            #expect(hostile.headers[header]?.contains(" ") == false)
        }
    }

    @Test("request log lines carry the same id as the X-Request-Id answer, the caller's when accepted")
    func requestIDInLogs() async throws {
        let records = RecordingLogHandler.Records()
        let header = HTTPField.Name("X-Request-Id")!
        let generated = try await TestApp.run(records: records) { client in
            _ = try await client.send(.get, "/healthz", headers: [header: "trace-42"])
            return try #require(try await client.send(.get, "/openapi.yaml").headers[header])
        }
        let requestLines = records.all.filter { $0.contains("Request ") }
        #expect(requestLines.contains { $0.contains("hb.request.id=trace-42") && $0.contains("/healthz") })
        #expect(requestLines.contains { $0.contains("hb.request.id=\(generated)") && $0.contains("/openapi.yaml") })
    }

    @Test("readyz is 503 with Retry-After while the instance is not ready; healthz stays 200")
    func notReady() async throws {
        let services = try await TestApp.services(isReady: false)
        let app = Application(router: BatonRouter.build(services: services, openAPIDocument: ByteBuffer()))
        try await app.test(.router) { client in
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.errorCode == "unavailable")
            #expect(ready.headers[.retryAfter] != nil)
            #expect(try await client.send(.get, "/healthz").status == .ok)
        }
    }
}
