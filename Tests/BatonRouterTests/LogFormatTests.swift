import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

@testable import BatonHTTP
@testable import BatonHTTPTestSupport
@testable import BatonServer

/// `BATON_LOG_FORMAT`: what a line holds, and that every line stays one line of its format, whatever it carries.
@Suite("Log lines")
struct LogFormatTests {
    static func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }

    @Test(
        "json: every line of a token lifecycle is one JSON object with timestamp, level, logger, message and source; request lines carry request id and tenant"
    )
    func jsonLifecycle() async throws {
        let records = RecordingLogHandler.Records()
        let requestID = try await TestApp.run(records: records, logFormat: .json) { client in
            let login = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let r0 = try #require(login.json["refresh_token"] as? String)
            let r1 = try #require(try await Flows.refresh(client, r0).json["refresh_token"] as? String)
            #expect(try await Flows.refresh(client, r1).status == .ok)  // r0's successor is spent: r0 again is reuse
            let reuse = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: "grant_type=refresh_token&client_id=demo-app&refresh_token=\(r0)",
                contentType: "application/x-www-form-urlencoded",
                headers: [HTTPField.Name("X-Request-Id")!: "reuse-attempt-1"]
            )
            #expect(reuse.status == .badRequest)
            _ = try await client.send(.get, "/admin/v1/tenants/demo", key: "wrong-\(TestApp.operatorKey)")
            return "reuse-attempt-1"
        }
        let lines = records.all
        #expect(lines.count > 5)
        let timestamp = try Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#)
        var objects: [[String: Any]] = []
        for line in lines {
            #expect(!line.contains("\n"))
            let object = try Self.object(line)
            #expect((object["timestamp"] as? String)?.wholeMatch(of: timestamp) != nil, "\(line)")
            #expect(Logger.Level(rawValue: object["level"] as? String ?? "") != nil, "\(line)")
            #expect(object["logger"] as? String == "baton")
            #expect(object["message"] is String && object["source"] is String, "\(line)")
            objects.append(object)
        }
        // Logged by the grant, whose logger was built before any request: the request's id and tenant still come.
        let reuse = try #require(objects.first { $0["message"] as? String == "refresh_token.reuse_detected" })
        #expect(reuse["request_id"] as? String == requestID)
        #expect(reuse["tenant"] as? String == "demo")
        #expect(reuse["level"] as? String == "warning")
        #expect(reuse["presented_generation"] as? String == "0")
        let refused = try #require(objects.first { $0["message"] as? String == "admin authentication failed" })
        #expect(refused["tenant"] as? String == "demo")
        #expect((refused["request_id"] as? String)?.isEmpty == false)
        #expect(refused["hb.request.id"] == nil, "one name for the request id")
        // Lines outside any request (start-up) have none.
        let created = try #require(objects.first { $0["message"] as? String == "tenant created" })
        #expect(created["request_id"] == nil)
    }

    @Test("a value with quotes, backslashes, line breaks, control characters or U+2028 stays inside its field and its line")
    func hostileValues() throws {
        let hostile = "a\"b\\c\nd\re\tf\u{01}g\u{2028}h\u{1F600}\"}{\"level\":\"critical"
        let lines = RecordingLogHandler.Records()
        for format in LogFormat.allCases {
            var logger = BatonLogging.logger(level: .trace, format: format, label: "test", write: lines.append)
            logger[metadataKey: "level"] = .string("forged")
            logger.info("message \(hostile)", metadata: ["value": .string(hostile), "nested": .dictionary(["list": .array([.string(hostile)])])])
        }
        let (json, text) = (lines.all[0], lines.all[1])
        let object = try Self.object(json)
        #expect(object["value"] as? String == hostile)
        #expect(object["message"] as? String == "message \(hostile)")
        #expect(object["level"] as? String == "info", "metadata cannot replace a fixed field")
        #expect(object["meta_level"] as? String == "forged")
        #expect(((object["nested"] as? [String: Any])?["list"] as? [String]) == [hostile])
        #expect(!json.contains("\n") && !json.contains("\u{2028}"))
        #expect(!text.contains("\n") && !text.contains("\r"), "a text record is one line")
        #expect(text.contains("[BatonRouterTests]"))
    }

    @Test("timestamps are RFC 3339 in UTC with milliseconds")
    func timestamps() {
        #expect(BatonLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(BatonLogHandler.timestamp(Date(timeIntervalSince1970: 1_796_148_540.0071)) == "2026-12-01T18:09:00.007Z")
        #expect(BatonLogHandler.timestamp(Date(timeIntervalSince1970: 951_782_400.999)) == "2000-02-29T00:00:00.999Z")
    }

    @Test("the tenant of a path is logged only when it is a valid tenant id")
    func tenantOfPath() {
        #expect(RequestLogMetadata.slug(inPath: "/t/demo/oauth/token") == "demo")
        #expect(RequestLogMetadata.slug(inPath: "/admin/v1/tenants/acme-co/keys") == "acme-co")
        #expect(RequestLogMetadata.slug(inPath: "/admin/v1/tenants") == nil)
        #expect(RequestLogMetadata.slug(inPath: "/t/Bad%20Slug/login") == nil)
        #expect(RequestLogMetadata.slug(inPath: "/healthz") == nil)
    }
}
