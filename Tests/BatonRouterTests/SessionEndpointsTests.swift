import BatonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

@Suite("Introspection, revocation, self-service sessions and admin session control")
struct SessionEndpointsTests {

    @Test("the seed scenario ends with the access token issued with R2 inactive at introspection")
    func seedScenarioIntrospection() async throws {
        try await TestApp.run { client in
            let basic = try await Flows.resourceServer(client)
            let r0 = try await Flows.login(client).refresh
            let r1 = try #require(try await Flows.refresh(client, r0).json["refresh_token"] as? String)
            let second = try await Flows.refresh(client, r1)
            let r2 = try #require(second.json["refresh_token"] as? String)
            let a2 = try #require(second.json["access_token"] as? String)

            let active = try await Flows.introspect(client, a2, basic: basic)
            #expect(active.json["active"] as? Bool == true)
            #expect(active.json["client_id"] as? String == "demo-app")
            #expect(active.json["token_type"] as? String == "access_token")
            #expect(try await Flows.introspect(client, r2, basic: basic).json["active"] as? Bool == true)
            #expect(try await Flows.introspect(client, r1, basic: basic).json["active"] as? Bool == false)

            _ = try await Flows.refresh(client, r0)  // reuse: revokes the session
            let inactive = try await Flows.introspect(client, a2, basic: basic)
            #expect(String(buffer: inactive.body) == #"{"active":false}"#)
            #expect(String(buffer: try await Flows.introspect(client, r2, basic: basic).body) == #"{"active":false}"#)
        }
    }

    @Test("unknown, garbage, foreign and revoked tokens introspect byte-identically")
    func inactiveIdentical() async throws {
        try await TestApp.run { client in
            let basic = try await Flows.resourceServer(client)
            let login = try await Flows.login(client)
            _ = try await client.send(.post, "/t/demo/logout", headers: [.authorization: "Bearer \(login.access)"])
            var bodies: Set<String> = []
            let tampered = String(login.access.dropLast(3)) + "AAA"
            for token in [login.access, login.refresh, "garbage", tampered, "a.b.c", String(repeating: "x", count: 9000)] {
                let response = try await Flows.introspect(client, token, basic: basic)
                #expect(response.status == .ok)
                bodies.insert(String(buffer: response.body))
            }
            #expect(bodies == [#"{"active":false}"#])
        }
    }

    @Test("introspection needs an authenticated confidential client")
    func introspectionAuth() async throws {
        try await TestApp.run { client in
            let login = try await Flows.login(client)
            let anonymous = try await client.send(
                .post,
                "/t/demo/oauth/introspect",
                json: "token=\(login.access)",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(anonymous.status == .unauthorized)
            let publicClient = try await client.send(
                .post,
                "/t/demo/oauth/introspect",
                json: "token=\(login.access)&client_id=demo-app",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(publicClient.errorCode == "unauthorized_client")
        }
    }

    @Test("revoking a refresh token or an access token ends the session; unknown tokens get 200 and change nothing")
    func revocation() async throws {
        try await TestApp.run { client in
            let basic = try await Flows.resourceServer(client)
            let first = try await Flows.login(client)
            let revoke = try await client.send(
                .post,
                "/t/demo/oauth/revoke",
                json: "token=\(first.refresh)&client_id=demo-app",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(revoke.status == .ok)
            #expect(try await Flows.introspect(client, first.access, basic: basic).json["active"] as? Bool == false)
            #expect(try await Flows.refresh(client, first.refresh).errorCode == "invalid_grant")

            let second = try await Flows.login(client)
            _ = try await client.send(.post, "/t/demo/oauth/revoke", json: #"{"token": "\#(second.access)", "client_id": "demo-app"}"#)
            #expect(try await Flows.refresh(client, second.refresh).errorCode == "invalid_grant")

            let third = try await Flows.login(client)
            for token in ["unknown", "brt_00000000-0000-0000-0000-000000000000_0_\(Base64URL.encode(Data(count: 32)))"] {
                let response = try await client.send(.post, "/t/demo/oauth/revoke", json: #"{"token": "\#(token)", "client_id": "demo-app"}"#)
                #expect(response.status == .ok)
            }
            // Another client cannot revoke demo-app's tokens.
            _ = try await client.send(
                .post,
                "/t/demo/oauth/revoke",
                json: "token=\(third.refresh)",
                contentType: "application/x-www-form-urlencoded",
                headers: [.authorization: basic]
            )
            #expect(try await Flows.refresh(client, third.refresh).status == .ok)
        }
    }

    @Test("me, sessions, revoke one, logout and logout all, with bearer access tokens")
    func selfService() async throws {
        try await TestApp.run { client in
            let a = try await Flows.login(client)
            let b = try await Flows.login(client)
            let c = try await Flows.login(client)
            let me = try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(a.access)"])
            #expect(me.status == .ok)
            #expect(me.json["username"] as? String == "demo")

            let sessions = try await client.send(.get, "/t/demo/sessions", headers: [.authorization: "Bearer \(a.access)"])
            let items = try #require(sessions.json["sessions"] as? [[String: Any]])
            #expect(items.count == 3)
            #expect(items.filter { $0["current"] as? Bool == true }.count == 1)
            let currentID = try #require(items.first { $0["current"] as? Bool == true }?["id"] as? String)
            #expect(currentID == me.json["session_id"] as? String)

            let bSession = try #require(
                try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(b.access)"]).json["session_id"] as? String
            )
            #expect(
                try await client.send(.delete, "/t/demo/sessions/\(bSession)", headers: [.authorization: "Bearer \(a.access)"]).status == .noContent
            )
            #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(b.access)"]).status == .unauthorized)
            #expect(
                try await client.send(.delete, "/t/demo/sessions/\(bSession)", headers: [.authorization: "Bearer \(a.access)"]).status == .notFound
            )

            #expect(try await client.send(.post, "/t/demo/logout", headers: [.authorization: "Bearer \(a.access)"]).status == .noContent)
            #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(a.access)"]).status == .unauthorized)
            #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(c.access)"]).status == .ok)

            let d = try await Flows.login(client)
            #expect(
                try await client.send(.post, "/t/demo/logout", json: #"{"all": true}"#, headers: [.authorization: "Bearer \(d.access)"]).status
                    == .noContent
            )
            #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(c.access)"]).status == .unauthorized)
            #expect(try await Flows.refresh(client, c.refresh).errorCode == "invalid_grant")
        }
    }

    @Test("bearer endpoints refuse missing, malformed, forged-typ and foreign-tenant tokens with 401")
    func bearerRefusals() async throws {
        try await TestApp.run { client in
            let login = try await Flows.login(client)
            let parts = login.access.split(separator: ".")
            let noneHeader = Base64URL.encode(Data(#"{"alg":"none","typ":"at+jwt"}"#.utf8))
            let jwtTyp = Base64URL.encode(Data(#"{"alg":"ES256","typ":"JWT","kid":"x"}"#.utf8))
            try await client.createTenant("elsewhere")
            for authorization in [
                nil, "Bearer", "Bearer garbage", "Basic abc", "Bearer \(noneHeader).\(parts[1]).", "Bearer \(jwtTyp).\(parts[1]).\(parts[2])",
            ] {
                var headers: HTTPFields = [:]
                if let authorization { headers[.authorization] = authorization }
                let response = try await client.send(.get, "/t/demo/me", headers: headers)
                #expect(response.status == .unauthorized, "\(authorization ?? "none")")
                #expect(response.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            }
            #expect(try await client.send(.get, "/t/elsewhere/me", headers: [.authorization: "Bearer \(login.access)"]).status == .unauthorized)
        }
    }

    @Test("admins list a user's sessions, revoke one, and sign the user out everywhere")
    func adminControl() async throws {
        try await TestApp.run { client in
            let a = try await Flows.login(client)
            let b = try await Flows.login(client)
            let userID = try #require(
                try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(a.access)"]).json["id"] as? String
            )
            let list = try await client.send(.get, "/admin/v1/tenants/demo/users/\(userID)/sessions", key: TestApp.operatorKey)
            let ids = (list.json["sessions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.count == 2)
            #expect(try await client.send(.delete, "/admin/v1/tenants/demo/sessions/\(ids[0])", key: TestApp.operatorKey).status == .noContent)
            #expect(try await client.send(.delete, "/admin/v1/tenants/demo/sessions/\(ids[0])", key: TestApp.operatorKey).status == .notFound)
            #expect(
                try await client.send(.post, "/admin/v1/tenants/demo/users/\(userID)/revoke-sessions", key: TestApp.operatorKey).status == .noContent
            )
            for login in [a, b] {
                #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(login.access)"]).status == .unauthorized)
            }
            #expect(try await client.send(.get, "/admin/v1/tenants/demo/users/not-a-uuid/sessions", key: TestApp.operatorKey).status == .notFound)
        }
    }
}
