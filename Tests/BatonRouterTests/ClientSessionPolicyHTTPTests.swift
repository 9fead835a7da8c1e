import BatonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

/// Per-client lifetimes and session caps over HTTP: set on the client, fixed on the session at login.
@Suite("Client session policy over HTTP")
struct ClientSessionPolicyHTTPTests {
    /// A tenant with access tokens of 900 s, a grace of 10 s, idle 1800 s and absolute 3600 s; a public client `app` with
    /// `policy` (JSON members) and a user.
    static func tenant(_ client: any TestClientProtocol, policy: String) async throws -> String {
        let tenant = try await client.createTenant(
            settings: #"{"access_token_ttl": 900, "reuse_grace": 10, "refresh_idle_ttl": 1800, "refresh_absolute_ttl": 3600}"#
        )
        try await client.createAppAndAda(in: tenant, clientMembers: policy)
        return tenant
    }

    static func patch(_ client: any TestClientProtocol, _ tenant: String, _ json: String) async throws -> TestResponse {
        try await client.send(.patch, "/admin/v1/tenants/\(tenant)/clients/app", key: TestApp.operatorKey, json: json)
    }

    static func lifetime(of response: TestResponse) throws -> Int {
        let token = try #require(response.json["access_token"] as? String)
        let claims = try #require(Flows.claims(of: token))
        let expires = try #require(claims["exp"] as? Int)
        let issued = try #require(claims["iat"] as? Int)
        return expires - issued
    }

    @Test("the client's access_token_ttl is its sessions' lifetime, fixed at login: a later change applies to later logins only")
    func accessTokenLifetimeFixedAtLogin() async throws {
        try await TestApp.run { client in
            let tenant = try await Self.tenant(client, policy: #""access_token_ttl": 120"#)
            let login = try await client.loginAsAda(in: tenant)
            #expect(login.json["expires_in"] as? Int == 120)
            #expect(try Self.lifetime(of: login) == 120)
            #expect(try await Self.patch(client, tenant, #"{"access_token_ttl": 300}"#).status == .ok)
            let refreshed = try await Flows.refresh(client, try #require(login.json["refresh_token"] as? String), clientID: "app", tenant: tenant)
            #expect(refreshed.json["expires_in"] as? Int == 120)
            #expect(try Self.lifetime(of: refreshed) == 120)
            #expect(try await client.loginAsAda(in: tenant).json["expires_in"] as? Int == 300)
            // null gives the tenant's back, to new logins.
            let cleared = try await Self.patch(client, tenant, #"{"access_token_ttl": null}"#)
            #expect(cleared.json["access_token_ttl"] is NSNull)
            let afterClearing = try await client.loginAsAda(in: tenant)
            #expect(afterClearing.json["expires_in"] as? Int == 900, "\(String(buffer: afterClearing.body))")
        }
    }

    @Test("the session's reuse_grace is the client's: with 0, the previous token presented again at once is reuse")
    func graceFixedAtLogin() async throws {
        try await TestApp.run { client in
            let tenant = try await Self.tenant(client, policy: #""reuse_grace": 0"#)
            let r0 = try #require(try await client.loginAsAda(in: tenant).json["refresh_token"] as? String)
            // Raising the client's grace later does not reach the session.
            #expect(try await Self.patch(client, tenant, #"{"reuse_grace": 60}"#).status == .ok)
            let first = try await Flows.refresh(client, r0, clientID: "app", tenant: tenant)
            #expect(first.status == .ok)
            let again = try await Flows.refresh(client, r0, clientID: "app", tenant: tenant)
            #expect(again.errorCode == "invalid_grant")
            let r1 = try #require(first.json["refresh_token"] as? String)
            #expect(try await Flows.refresh(client, r1, clientID: "app", tenant: tenant).errorCode == "invalid_grant", "the session is revoked")
        }
    }

    @Test("the session's idle and absolute lifetimes are the client's: it ends when the client's say, not the tenant's")
    func refreshLifetimesFixedAtLogin() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await TestApp.run(clock: clock) { client in
            let tenant = try await Self.tenant(client, policy: #""refresh_idle_ttl": 120, "refresh_absolute_ttl": 300"#)
            var token = try #require(try await client.loginAsAda(in: tenant).json["refresh_token"] as? String)
            #expect(try await Self.patch(client, tenant, #"{"refresh_idle_ttl": 600, "refresh_absolute_ttl": 3600}"#).status == .ok)
            // Each refresh within the session's 120 s idle lifetime keeps it going, until its 300 s absolute end.
            for _ in 0..<2 {
                clock.advance(by: 110)
                let refreshed = try await Flows.refresh(client, token, clientID: "app", tenant: tenant)
                #expect(refreshed.status == .ok)
                token = try #require(refreshed.json["refresh_token"] as? String)
            }
            clock.advance(by: 90)  // 310 s after login: past the absolute end, though within the tenant's.
            #expect(try await Flows.refresh(client, token, clientID: "app", tenant: tenant).errorCode == "invalid_grant")

            // A session idle past the client's idle lifetime ends, though the tenant's would keep it.
            #expect(try await Self.patch(client, tenant, #"{"refresh_idle_ttl": 200}"#).status == .ok)
            let idle = try #require(try await client.loginAsAda(in: tenant).json["refresh_token"] as? String)
            clock.advance(by: 201)
            #expect(try await Flows.refresh(client, idle, clientID: "app", tenant: tenant).errorCode == "invalid_grant")
        }
    }

    @Test("a client's cap counts its own sessions of a user, beside the tenant's")
    func clientCap() async throws {
        try await TestApp.run { client in
            let tenant = try await Self.tenant(client, policy: #""max_sessions_per_user": 1, "on_limit": "evict_oldest""#)
            let first = try #require(try await client.loginAsAda(in: tenant).json["refresh_token"] as? String)
            let second = try await client.loginAsAda(in: tenant)
            #expect(second.status == .ok)
            #expect(try await Flows.refresh(client, first, clientID: "app", tenant: tenant).errorCode == "invalid_grant")
            #expect(try await Self.patch(client, tenant, #"{"on_limit": "reject"}"#).json["on_limit"] as? String == "reject")
            let refused = try await client.loginAsAda(in: tenant)
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "session_limit_reached")
            let refreshed = try await Flows.refresh(client, try #require(second.json["refresh_token"] as? String), clientID: "app", tenant: tenant)
            #expect(refreshed.status == .ok, "the refused login changed nothing")
        }
    }

    @Test("the policy is validated (the tenant policy's ranges, idle within absolute), shown, and refused with nothing changed")
    func validation() async throws {
        try await TestApp.run { client in
            let tenant = try await Self.tenant(client, policy: "")
            let shown = try await client.send(.get, "/admin/v1/tenants/\(tenant)/clients/app", key: TestApp.operatorKey)
            for member in ["access_token_ttl", "refresh_idle_ttl", "refresh_absolute_ttl", "reuse_grace", "max_sessions_per_user"] {
                #expect(shown.json[member] is NSNull, "\(member) is the tenant's")
            }
            #expect(shown.json["on_limit"] as? String == "reject")
            for bad in [
                #"{"access_token_ttl": 59}"#, #"{"access_token_ttl": 86401}"#, #"{"refresh_idle_ttl": 59}"#, #"{"reuse_grace": 301}"#,
                #"{"refresh_absolute_ttl": 1000}"#,  // below the tenant's idle lifetime of 1800 s
                #"{"refresh_idle_ttl": 7200}"#,  // above the tenant's absolute lifetime of 3600 s
                #"{"max_sessions_per_user": 0}"#, #"{"max_sessions_per_user": 1001}"#, #"{"on_limit": null}"#, #"{"on_limit": "newest"}"#,
                #"{"access_token_ttl": "60"}"#,
            ] {
                let refused = try await Self.patch(client, tenant, bad)
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.errorCode == "invalid_request", "\(bad)")
                let create = try await client.send(
                    .post,
                    "/admin/v1/tenants/\(tenant)/clients",
                    key: TestApp.operatorKey,
                    json: #"{"client_id": "bad", "name": "Bad", "type": "public", \#(bad.dropFirst().dropLast())}"#
                )
                #expect(create.status == .badRequest, "\(bad)")
            }
            let after = try await client.send(.get, "/admin/v1/tenants/\(tenant)/clients/app", key: TestApp.operatorKey)
            #expect(after.json["access_token_ttl"] is NSNull)
            #expect(try await client.send(.get, "/admin/v1/tenants/\(tenant)/clients/bad", key: TestApp.operatorKey).status == .notFound)
            let both = try await Self.patch(client, tenant, #"{"refresh_idle_ttl": 7200, "refresh_absolute_ttl": 86400}"#)
            #expect(both.status == .ok)
            #expect(both.json["refresh_idle_ttl"] as? Int == 7200)
        }
    }

    @Test("a policy the tenant's later settings contradict blocks no unrelated change, and a change to the policy must fix it")
    func policyRevalidatedOnlyWhenChanged() async throws {
        try await TestApp.run { client in
            let tenant = try await Self.tenant(client, policy: #""refresh_idle_ttl": 3000"#)
            let lowered = try await client.send(
                .patch,
                "/admin/v1/tenants/\(tenant)",
                key: TestApp.operatorKey,
                json: #"{"settings": {"refresh_absolute_ttl": 2000}}"#
            )
            #expect(lowered.status == .ok, "\(String(buffer: lowered.body))")
            #expect(try await Self.patch(client, tenant, #"{"name": "Renamed"}"#).status == .ok)
            #expect(try await Self.patch(client, tenant, #"{"reuse_grace": 5}"#).errorCode == "invalid_request")
            #expect(try await Self.patch(client, tenant, #"{"reuse_grace": 5, "refresh_idle_ttl": null}"#).status == .ok)
        }
    }

    @Test("a retiring key stays published for the longest access-token lifetime of the tenant and its clients")
    func retirementWaitsForTheLongestLifetime() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await TestApp.run(clock: clock) { client in
            let tenant = try await Self.tenant(client, policy: #""access_token_ttl": 3600"#)
            let rotated = try await client.send(
                .post,
                "/admin/v1/tenants/\(tenant)/keys/rotate",
                key: TestApp.operatorKey,
                json: #"{"force": true}"#
            )
            #expect(rotated.status == .ok, "\(String(buffer: rotated.body))")
            let keys = try #require(rotated.json["keys"] as? [[String: Any]])
            let retiring = try #require(keys.first { $0["state"] as? String == "retiring" })
            let retireAfter = try #require(retiring["retire_after"] as? String)
            let expected = ISO8601DateFormatter().string(from: clock.now().addingTimeInterval(3600 + KeyRotationService<MemoryStore>.clockLeeway))
            #expect(retireAfter == expected)
        }
    }
}
