import BatonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

@Suite("Audit trail and login throttling over HTTP")
struct AuditAndThrottleTests {
    static func events(_ client: any TestClientProtocol, _ query: String = "") async throws -> [[String: Any]] {
        let response = try await client.send(.get, "/admin/v1/tenants/demo/audit-events\(query)", key: TestApp.operatorKey)
        #expect(response.status == .ok)
        return response.json["events"] as? [[String: Any]] ?? []
    }

    @Test("logins, failures, reuse, revocations and refused admin calls are audited, newest first, without secrets")
    func audited() async throws {
        try await TestApp.run { client in
            let ok = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let r0 = try #require(ok.json["refresh_token"] as? String)
            _ = try await client.send(.post, "/t/demo/login", json: #"{"client_id": "demo-app", "username": "demo", "password": "wrong-password"}"#)
            let r1 = try #require(try await Flows.refresh(client, r0).json["refresh_token"] as? String)
            _ = try await Flows.refresh(client, r1)
            _ = try await Flows.refresh(client, r0)  // reuse
            _ = try await client.send(.get, "/admin/v1/tenants/demo", key: "not-a-key")

            let all = try await Self.events(client)
            let types = all.compactMap { $0["type"] as? String }
            for expected in [
                "login.succeeded", "session.created", "login.failed", "refresh_token.reuse_detected", "admin_key.authentication_failed",
                "user.created", "client.created",
            ] {
                #expect(types.contains(expected), "missing \(expected) in \(types)")
            }
            let ids = all.compactMap { $0["id"] as? Int }
            #expect(ids == ids.sorted(by: >))
            let reuse = try #require(all.first { $0["type"] as? String == "refresh_token.reuse_detected" })
            #expect(reuse["session_id"] as? String != nil)
            #expect(reuse["user_id"] as? String != nil)
            #expect(reuse["client_id"] as? String == "demo-app")

            let filtered = try await Self.events(client, "?type=login.failed")
            #expect(filtered.count == 1)
            let page = try await client.send(.get, "/admin/v1/tenants/demo/audit-events?limit=2", key: TestApp.operatorKey)
            let before = try #require(page.json["next_before"] as? Int)
            let older = try await Self.events(client, "?before=\(before)&limit=200")
            #expect(older.allSatisfy { ($0["id"] as? Int ?? .max) < before })

            let text = String(buffer: try await client.send(.get, "/admin/v1/tenants/demo/audit-events?limit=200", key: TestApp.operatorKey).body)
            for secret in [r0, r1, TestApp.demoPassword, "wrong-password", "not-a-key"] { #expect(!text.contains(secret)) }
            #expect(try await client.send(.get, "/admin/v1/tenants/demo/audit-events?type=bogus", key: TestApp.operatorKey).status == .badRequest)
        }
    }

    @Test("five failed logins from one source lock that account for that source; the right password is refused too; other accounts are not affected")
    func throttled() async throws {
        try await TestApp.run { client in
            _ = try await client.send(
                .post,
                "/admin/v1/tenants/demo/users",
                key: TestApp.operatorKey,
                json: #"{"username": "bob", "password": "bob-password-1"}"#
            )
            for _ in 0..<5 {
                let failed = try await client.send(
                    .post,
                    "/t/demo/login",
                    json: #"{"client_id": "demo-app", "username": "demo", "password": "guess-guess"}"#
                )
                #expect(failed.errorCode == "invalid_grant")
            }
            let locked = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.errorCode == "rate_limited")
            #expect(Int(locked.headers[.retryAfter] ?? "") ?? 0 > 0)
            let bob = try await client.send(
                .post,
                "/t/demo/login",
                json: #"{"client_id": "demo-app", "username": "bob", "password": "bob-password-1"}"#
            )
            #expect(bob.status == .ok)
            #expect(try await Self.events(client, "?type=login.throttled").count == 1)
        }
    }
}
