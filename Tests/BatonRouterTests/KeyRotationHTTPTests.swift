import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

@Suite("Key rotation and emergency revocation over HTTP")
struct KeyRotationHTTPTests {
    @Test("rotation is refused with 409 and the safe time until the pending key is old enough; force rotates; the new key signs")
    func rotate() async throws {
        try await TestApp.run { client in
            let refused = try await client.send(.post, "/admin/v1/tenants/demo/keys/rotate", key: TestApp.operatorKey)
            #expect(refused.status == .conflict)
            #expect((refused.json["error_description"] as? String)?.contains("rotation is safe from") == true)
            #expect(refused.headers[.retryAfter] != nil)
            let forced = try await client.send(
                .post,
                "/admin/v1/tenants/demo/keys/rotate",
                key: TestApp.operatorKey,
                json: #"{"force": true, "alg": "EdDSA"}"#
            )
            #expect(forced.status == .ok)
            let keys = try #require(forced.json["keys"] as? [[String: Any]])
            #expect(keys.compactMap { $0["state"] as? String }.sorted() == ["active", "pending", "retiring"])
            #expect(keys.first { $0["state"] as? String == "pending" }?["alg"] as? String == "EdDSA")
            let active = try #require(keys.first { $0["state"] as? String == "active" }?["kid"] as? String)
            let login = try await Flows.login(client)
            #expect(Flows.header(of: login.access)?["kid"] as? String == active)
            let jwks = try await client.send(.get, "/t/demo/.well-known/jwks.json")
            #expect((jwks.json["keys"] as? [[String: Any]])?.count == 3)
            let bad = try await client.send(.post, "/admin/v1/tenants/demo/keys/rotate", key: TestApp.operatorKey, json: #"{"alg": "HS256"}"#)
            #expect(bad.status == .badRequest)
            #expect(try await client.send(.post, "/admin/v1/tenants/ghost/keys/rotate", key: TestApp.operatorKey).status == .notFound)
        }
    }

    @Test("revoking the active key: tokens it signed introspect inactive at once, JWKS drops it, signing continues")
    func revoke() async throws {
        try await TestApp.run { client in
            let basic = try await Flows.resourceServer(client)
            let login = try await Flows.login(client)
            let kid = try #require(Flows.header(of: login.access)?["kid"] as? String)
            #expect(try await Flows.introspect(client, login.access, basic: basic).json["active"] as? Bool == true)
            let revoked = try await client.send(.post, "/admin/v1/tenants/demo/keys/\(kid)/revoke", key: TestApp.operatorKey)
            #expect(revoked.status == .ok)
            let active = try #require(revoked.json["active_kid"] as? String)
            #expect(active != kid)
            #expect(try await Flows.introspect(client, login.access, basic: basic).json["active"] as? Bool == false)
            let jwks = String(buffer: try await client.send(.get, "/t/demo/.well-known/jwks.json").body)
            #expect(!jwks.contains(kid))
            let next = try await Flows.refresh(client, login.refresh)
            #expect(Flows.header(of: try #require(next.json["access_token"] as? String))?["kid"] as? String == active)
            #expect(try await client.send(.post, "/admin/v1/tenants/demo/keys/\(kid)/revoke", key: TestApp.operatorKey).status == .conflict)
            #expect(try await client.send(.post, "/admin/v1/tenants/demo/keys/unknown-kid/revoke", key: TestApp.operatorKey).status == .notFound)
            try await client.createTenant("other")
            #expect(try await client.send(.post, "/admin/v1/tenants/other/keys/\(active)/revoke", key: TestApp.operatorKey).status == .notFound)
        }
    }
}
