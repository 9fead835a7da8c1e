import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

/// Every class of bad input on the tenant endpoints gets a 4xx JSON error naming the problem, and writes nothing.
@Suite("Bad input on the tenant endpoints")
struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let body: String
        let status: HTTPResponse.Status
        let mentions: String
        var testDescription: String { name }
    }

    static let createCases: [Case] = [
        Case(name: "malformed JSON", body: #"{"id": "x1""#, status: .badRequest, mentions: "not valid JSON"),
        Case(name: "not an object", body: #"["x1"]"#, status: .badRequest, mentions: "JSON object"),
        Case(name: "missing id", body: #"{"display_name": "x"}"#, status: .badRequest, mentions: "'id' is required"),
        Case(name: "wrong type", body: #"{"id": 12}"#, status: .badRequest, mentions: "'id' must be a string"),
        Case(
            name: "wrong nested type",
            body: #"{"id": "x1", "settings": {"access_token_ttl": "900"}}"#,
            status: .badRequest,
            mentions: "settings.access_token_ttl"
        ),
        Case(name: "null member", body: #"{"id": "x1", "display_name": null}"#, status: .badRequest, mentions: "display_name"),
        Case(name: "unknown member", body: #"{"id": "x1", "colour": "red"}"#, status: .badRequest, mentions: "unknown field 'colour'"),
        Case(name: "unknown setting", body: #"{"id": "x1", "settings": {"acess_token_ttl": 60}}"#, status: .badRequest, mentions: "acess_token_ttl"),
        Case(name: "out of range", body: #"{"id": "x1", "settings": {"access_token_ttl": 5}}"#, status: .badRequest, mentions: "access_token_ttl"),
        Case(name: "huge number", body: #"{"id": "x1", "settings": {"access_token_ttl": 1e400}}"#, status: .badRequest, mentions: "JSON"),
        Case(
            name: "idle over absolute",
            body: #"{"id": "x1", "settings": {"refresh_idle_ttl": 9000, "refresh_absolute_ttl": 8000}}"#,
            status: .badRequest,
            mentions: "refresh_idle_ttl"
        ),
        Case(name: "unknown algorithm", body: #"{"id": "x1", "settings": {"signing_alg": "HS256"}}"#, status: .badRequest, mentions: "signing_alg"),
        Case(name: "alg none", body: #"{"id": "x1", "settings": {"signing_alg": "none"}}"#, status: .badRequest, mentions: "signing_alg"),
        Case(name: "NUL in id", body: #"{"id": "x\u0000y"}"#, status: .badRequest, mentions: "id must not contain NUL"),
        Case(
            name: "raw NUL in name",
            body: "{\"id\": \"x1\", \"display_name\": \"a\u{0}b\"}",
            status: .badRequest,
            mentions: "display_name must not contain NUL"
        ),
        Case(name: "repeated member", body: #"{"id": "x1", "id": "x2"}"#, status: .badRequest, mentions: "member id appears more than once"),
        Case(
            name: "repeated escaped member",
            body: #"{"id": "x1", "\u0069d": "x2"}"#,
            status: .badRequest,
            mentions: "member id appears more than once"
        ),
        Case(
            name: "repeated nested member",
            body: #"{"id": "x1", "settings": {"access_token_ttl": 60, "access_token_ttl": 61}}"#,
            status: .badRequest,
            mentions: "access_token_ttl appears more than once"
        ),
        Case(name: "control char in name", body: #"{"id": "x1", "display_name": "a\u0007b"}"#, status: .badRequest, mentions: "display_name"),
        Case(name: "RTL override in name", body: #"{"id": "x1", "display_name": "a\u202Eb"}"#, status: .badRequest, mentions: "display_name"),
        Case(name: "zero-width in id", body: #"{"id": "x\u200B1"}"#, status: .badRequest, mentions: "tenant id"),
        Case(name: "SQL in id", body: #"{"id": "x'; DROP TABLE tenants; --"}"#, status: .badRequest, mentions: "tenant id"),
        Case(name: "very long id", body: #"{"id": "\#(String(repeating: "a", count: 5000))"}"#, status: .badRequest, mentions: "tenant id"),
        Case(
            name: "very long name",
            body: #"{"id": "x1", "display_name": "\#(String(repeating: "n", count: 5000))"}"#,
            status: .badRequest,
            mentions: "display_name"
        ),
        Case(
            name: "deeply nested",
            body: String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
            status: .badRequest,
            mentions: "JSON"
        ),
        Case(
            name: "oversized body",
            body: #"{"id": "x1", "display_name": "\#(String(repeating: "n", count: 70_000))"}"#,
            status: .contentTooLarge,
            mentions: "65536"
        ),
    ]

    @Test("POST /admin/v1/tenants refuses each class with a JSON error and creates nothing", arguments: createCases)
    func create(_ badCase: Case) async throws {
        try await TestApp.run { client in
            let response = try await client.send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: badCase.body)
            #expect(response.status == badCase.status, "\(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/json")
            let description = response.json["error_description"] as? String ?? ""
            #expect(description.contains(badCase.mentions), "description: \(description)")
            let list = try await client.send(.get, "/admin/v1/tenants", key: TestApp.operatorKey)
            #expect((list.json["tenants"] as? [[String: Any]])?.count == 1, "only demo exists")
        }
    }

    @Test("PATCH refuses bad input and leaves the tenant unchanged", arguments: createCases.filter { !$0.name.contains("id") })
    func update(_ badCase: Case) async throws {
        try await TestApp.run { client in
            let before = try await client.send(.get, "/admin/v1/tenants/demo", key: TestApp.operatorKey)
            // PATCH bodies have no id member: swap it for a member PATCH does not know either.
            let body = badCase.body.replacingOccurrences(of: #""id": "x1", "#, with: "")
            let response = try await client.send(.patch, "/admin/v1/tenants/demo", key: TestApp.operatorKey, json: body)
            #expect((400..<500).contains(response.status.code), "\(badCase.name): \(response.status)")
            #expect(response.errorCode != nil)
            let after = try await client.send(.get, "/admin/v1/tenants/demo", key: TestApp.operatorKey)
            #expect(after.body == before.body)
        }
    }

    @Test("an optional body (logout, key rotation) is absent when empty, whatever the headers say; any byte of it must be JSON")
    func optionalBody() async throws {
        try await TestApp.run { client in
            let rotate = "/admin/v1/tenants/demo/keys/rotate"
            let bare = try await client.send(.post, rotate, key: TestApp.operatorKey)
            let emptyJSON = try await client.send(.post, rotate, key: TestApp.operatorKey, json: "")
            #expect(emptyJSON.status == bare.status)  // the same answer as no body at all (409: not safe yet)
            #expect(emptyJSON.errorCode == bare.errorCode)
            let text = try await client.send(.post, rotate, key: TestApp.operatorKey, json: #"{"force": true}"#, contentType: "text/plain")
            #expect(text.status == .unsupportedMediaType)

            let first = try await Flows.login(client)
            let second = try await Flows.login(client)
            let textLogout = try await client.send(
                .post,
                "/t/demo/logout",
                json: #"{"all": true}"#,
                contentType: "text/plain",
                headers: [.authorization: "Bearer \(first.access)"]
            )
            #expect(textLogout.status == .unsupportedMediaType)
            let emptyLogout = try await client.send(.post, "/t/demo/logout", json: "", headers: [.authorization: "Bearer \(first.access)"])
            #expect(emptyLogout.status == .noContent)
            // Only the current session ended: the other login still works.
            #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(second.access)"]).status == .ok)
        }
    }

    @Test("a wrong or missing content type is 415; an empty body is 400")
    func contentType() async throws {
        try await TestApp.run { client in
            let text = try await client.send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: #"{"id": "x1"}"#, contentType: "text/plain")
            #expect(text.status == .unsupportedMediaType)
            let form = try await client.send(
                .post,
                "/admin/v1/tenants",
                key: TestApp.operatorKey,
                json: "id=x1",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(form.status == .unsupportedMediaType)
            let none = try await client.send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: #"{"id": "x1"}"#, contentType: nil)
            #expect(none.status == .unsupportedMediaType)
            let charset = try await client.send(
                .post,
                "/admin/v1/tenants",
                key: TestApp.operatorKey,
                json: #"{"id": "x1"}"#,
                contentType: "application/json; charset=utf-8"
            )
            #expect(charset.status == .created)
            let empty = try await client.send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: "")
            #expect(empty.status == .badRequest)
        }
    }

    @Test("an oversized body is 413 even when it is not JSON: the limit is checked before parsing")
    func limitBeforeParsing() async throws {
        try await TestApp.run { client in
            let garbage = String(repeating: "{[\"", count: 30_000)
            let response = try await client.send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: garbage)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
        }
    }

    @Test("SQL metacharacters in a display name are stored as text, verbatim")
    func sqlText() async throws {
        try await TestApp.run { client in
            let name = #"Robert'); DROP TABLE tenants;-- \" %_"#
            let body = try JSONSerialization.data(withJSONObject: ["id": "bobby", "display_name": name])
            let response = try await client.send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: String(decoding: body, as: UTF8.self))
            #expect(response.status == .created)
            let read = try await client.send(.get, "/admin/v1/tenants/bobby", key: TestApp.operatorKey)
            #expect(read.json["display_name"] as? String == name)
        }
    }

    @Test("a path segment that is not storable text (NUL, not UTF-8) is a 400 naming the path", arguments: ["x%00y", "x%FFy", "%C3%28", "x%zzy"])
    func unstorablePaths(_ segment: String) async throws {
        try await TestApp.run { client in
            for path in ["/t/\(segment)/.well-known/jwks.json", "/admin/v1/tenants/\(segment)", "/admin/v1/tenants/demo/clients/\(segment)"] {
                let response = try await client.send(.get, path, key: TestApp.operatorKey)
                #expect(response.status == .badRequest, "\(path)")
                #expect(response.errorCode == "invalid_request")
                #expect((response.json["error_description"] as? String ?? "").contains("path"))
            }
        }
    }

    @Test(
        "hostile path segments are plain 404s",
        arguments: ["..%2F..%2Fetc", "%27%3B%20DROP%20TABLE%20tenants", "a%E2%80%AEb", String(repeating: "a", count: 4000)]
    )
    func hostilePaths(_ segment: String) async throws {
        try await TestApp.run { client in
            let jwks = try await client.send(.get, "/t/\(segment)/.well-known/jwks.json")
            #expect(jwks.status == .notFound)
            #expect(jwks.errorCode == "not_found")
            let admin = try await client.send(.get, "/admin/v1/tenants/\(segment)", key: TestApp.operatorKey)
            #expect(admin.status == .notFound)
        }
    }
}
