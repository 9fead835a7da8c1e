import BatonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import BatonHTTPTestSupport

@Suite("Session limits over HTTP")
struct SessionLimitHTTPTests {
    static func tenant(_ client: any TestClientProtocol, settings: String) async throws -> String {
        let tenant = try await client.createTenant(settings: settings)
        try await client.createAppAndAda(in: tenant)
        return tenant
    }

    @Test("reject: a login past the cap is session_limit_reached and creates nothing; after a logout it succeeds")
    func reject() async throws {
        try await TestApp.run { client in
            let tenant = try await Self.tenant(client, settings: #"{"max_sessions_per_user": 2, "on_limit": "reject"}"#)
            let first = try await client.loginAsAda(in: tenant)
            #expect(try await client.loginAsAda(in: tenant).status == .ok)
            let refused = try await client.loginAsAda(in: tenant)
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "session_limit_reached")
            let access = try #require(first.json["access_token"] as? String)
            let sessions = try await client.send(.get, "/t/\(tenant)/sessions", headers: [.authorization: "Bearer \(access)"])
            #expect((sessions.json["sessions"] as? [Any])?.count == 2)
            #expect(try await client.send(.post, "/t/\(tenant)/logout", headers: [.authorization: "Bearer \(access)"]).status == .noContent)
            #expect(try await client.loginAsAda(in: tenant).status == .ok)
        }
    }

    @Test("evict_oldest: the oldest session is revoked with reason session_limit and audited; its refresh token stops working")
    func evictOldest() async throws {
        try await TestApp.run { client in
            let tenant = try await Self.tenant(client, settings: #"{"max_sessions_per_user": 1, "on_limit": "evict_oldest"}"#)
            let first = try #require(try await client.loginAsAda(in: tenant).json["refresh_token"] as? String)
            let second = try await client.loginAsAda(in: tenant)
            #expect(second.status == .ok)
            #expect(try await Flows.refresh(client, first, clientID: "app", tenant: tenant).errorCode == "invalid_grant")
            #expect(
                try await Flows.refresh(client, try #require(second.json["refresh_token"] as? String), clientID: "app", tenant: tenant).status == .ok
            )
            let audit = try await client.send(.get, "/admin/v1/tenants/\(tenant)/audit-events", key: TestApp.operatorKey)
            let events = try #require(audit.json["events"] as? [[String: Any]])
            #expect(
                events.contains { ($0["type"] as? String) == "session.revoked" && ($0["details"] as? [String: String])?["reason"] == "session_limit" }
            )
        }
    }

    @Test("the cap's settings are validated and shown")
    func settings() async throws {
        try await TestApp.run { client in
            for bad in [
                #"{"max_sessions_per_user": -1}"#, #"{"max_sessions_per_user": 1001}"#, #"{"on_limit": "oldest"}"#,
                #"{"max_sessions_per_user": "2"}"#,
            ] {
                let response = try await client.send(
                    .post,
                    "/admin/v1/tenants",
                    key: TestApp.operatorKey,
                    json: #"{"id": "bad-cap", "settings": \#(bad)}"#
                )
                #expect(response.status == .badRequest, "\(bad)")
            }
            let tenant = try await client.createTenant(settings: #"{"max_sessions_per_user": 5, "on_limit": "evict_oldest"}"#)
            let read = try await client.send(.get, "/admin/v1/tenants/\(tenant)", key: TestApp.operatorKey)
            let settings = try #require(read.json["settings"] as? [String: Any])
            #expect(settings["max_sessions_per_user"] as? Int == 5)
            #expect(settings["on_limit"] as? String == "evict_oldest")
            let defaults = try #require(
                try await client.send(.get, "/admin/v1/tenants/demo", key: TestApp.operatorKey).json["settings"] as? [String: Any]
            )
            #expect(defaults["max_sessions_per_user"] as? Int == 0)
            #expect(defaults["on_limit"] as? String == "reject")
        }
    }
}
