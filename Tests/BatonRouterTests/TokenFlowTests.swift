import BatonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

@Suite("Login, refresh rotation and client_credentials over HTTP")
struct TokenFlowTests {

    @Test("login answers an RFC 9068 access token that verifies with the tenant's JWKS, and a refresh token")
    func login() async throws {
        try await TestApp.run { client in
            let response = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin, headers: [.userAgent: "tests"])
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.json["token_type"] as? String == "Bearer")
            #expect(response.json["expires_in"] as? Int == 900)
            #expect(response.json["scope"] as? String == "profile")
            let refreshToken = try #require(response.json["refresh_token"] as? String)
            #expect(refreshToken.hasPrefix("brt_"))
            let accessToken = try #require(response.json["access_token"] as? String)

            let header = try #require(Flows.header(of: accessToken))
            #expect(header["typ"] as? String == "at+jwt")
            #expect(header["alg"] as? String == "ES256")
            let keys = try await client.send(.get, "/admin/v1/tenants/demo/keys", key: TestApp.operatorKey)
            let active = (keys.json["keys"] as? [[String: Any]] ?? []).first { $0["state"] as? String == "active" }
            #expect(header["kid"] as? String == active?["kid"] as? String)

            let jwks = try await client.send(.get, "/t/demo/.well-known/jwks.json")
            let collection = try await JWTKeyCollection().add(jwksJSON: String(buffer: jwks.body))
            let claims = try await collection.verify(accessToken, as: AccessTokenClaims.self)
            #expect(claims.iss.value == "\(TestApp.publicURL)/t/demo")
            #expect(claims.aud.value == ["\(TestApp.publicURL)/t/demo"])
            #expect(claims.clientID == "demo-app")
            #expect(claims.scope == "profile")
            #expect(claims.sid != nil)
            #expect(claims.exp.value.timeIntervalSince(claims.iat.value) == 900)
            #expect(claims.nbf.value == claims.iat.value)
            #expect(!claims.jti.value.isEmpty)
        }
    }

    @Test("an access token never outlives its session: lifetime cut to the session's idle expiry, on login and refresh")
    func accessTokenBoundBySession() async throws {
        try await TestApp.run { client in
            let patched = try await client.send(
                .patch,
                "/admin/v1/tenants/demo",
                key: TestApp.operatorKey,
                json: #"{"settings": {"refresh_idle_ttl": 120, "access_token_ttl": 900}}"#
            )
            #expect(patched.status == .ok, "\(String(buffer: patched.body))")
            let login = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let refreshToken = try #require(login.json["refresh_token"] as? String)
            let refreshed = try await Flows.refresh(client, refreshToken)
            for response in [login, refreshed] {
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                // 120 s, or 119 when the clock crossed a whole second between the session write and the token.
                let expiresIn = try #require(response.json["expires_in"] as? Int)
                #expect((119...120).contains(expiresIn))
                let accessToken = try #require(response.json["access_token"] as? String)
                let claims = try #require(Flows.claims(of: accessToken))
                #expect((claims["exp"] as? Int).map { $0 - (claims["iat"] as? Int ?? 0) } == expiresIn)
            }
        }
    }

    @Test("a refresh in the session's last fraction of a second is refused as expired, never answered with expires_in 0")
    func lastSecondOfSession() async throws {
        // Sessions end at a fraction of a second (created at .7 here); token times are whole seconds.
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000.7))
        try await TestApp.run(clock: clock) { client in
            let patched = try await client.send(
                .patch,
                "/admin/v1/tenants/demo",
                key: TestApp.operatorKey,
                json: #"{"settings": {"refresh_idle_ttl": 60, "refresh_absolute_ttl": 60}}"#
            )
            #expect(patched.status == .ok, "\(String(buffer: patched.body))")
            let login = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let r0 = try #require(login.json["refresh_token"] as? String)
            clock.advance(by: 58.5)  // 1.5 s left: one whole second for the access token
            let lastSecond = try await Flows.refresh(client, r0)
            #expect(lastSecond.status == .ok)
            #expect(lastSecond.json["expires_in"] as? Int == 1)
            let r1 = try #require(lastSecond.json["refresh_token"] as? String)
            clock.advance(by: 1)  // 0.5 s left, within the session's last whole second
            let tooLate = try await Flows.refresh(client, r1)
            #expect(tooLate.status == .badRequest)
            #expect(tooLate.errorCode == "invalid_grant")
        }
    }

    @Test("the seed scenario over HTTP: R0 → R1 → R2, R0 again revokes the session, R2 is dead")
    func seedScenario() async throws {
        try await TestApp.run { client in
            let login = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let r0 = try #require(login.json["refresh_token"] as? String)
            let first = try await Flows.refresh(client, r0)
            #expect(first.status == .ok)
            #expect(first.headers[.cacheControl] == "no-store")
            let r1 = try #require(first.json["refresh_token"] as? String)
            // JSON bodies are accepted too.
            let second = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: #"{"grant_type": "refresh_token", "client_id": "demo-app", "refresh_token": "\#(r1)"}"#
            )
            #expect(second.status == .ok)
            let r2 = try #require(second.json["refresh_token"] as? String)
            // demo's grace is 10 s: r0 is two generations old, so it is reuse whatever the clock says.
            let replay = try await Flows.refresh(client, r0)
            #expect(replay.status == .badRequest)
            #expect(replay.errorCode == "invalid_grant")
            let dead = try await Flows.refresh(client, r2)
            #expect(dead.errorCode == "invalid_grant")
        }
    }

    @Test("an immediate retry of the same refresh token returns the identical successor (grace window)")
    func graceRetry() async throws {
        try await TestApp.run { client in
            let login = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let r0 = try #require(login.json["refresh_token"] as? String)
            let first = try await Flows.refresh(client, r0)
            let retry = try await Flows.refresh(client, r0)
            #expect(retry.status == .ok)
            #expect(retry.json["refresh_token"] as? String == first.json["refresh_token"] as? String)
            #expect(retry.json["access_token"] as? String != first.json["access_token"] as? String)
        }
    }

    @Test("an access token, garbage or another tenant's token presented as a refresh token is invalid_grant")
    func notRefreshTokens() async throws {
        try await TestApp.run { client in
            let login = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let access = try #require(login.json["access_token"] as? String)
            let refresh = try #require(login.json["refresh_token"] as? String)
            for presented in [access, "x", String(repeating: "a", count: 5000), refresh + "A"] {
                #expect(try await Flows.refresh(client, presented).errorCode == "invalid_grant")
            }
            try await client.createTenant("other")
            _ = try await client.send(
                .post,
                "/admin/v1/tenants/other/clients",
                key: TestApp.operatorKey,
                json: #"{"client_id": "demo-app", "name": "x", "type": "public"}"#
            )
            #expect(try await Flows.refresh(client, refresh, tenant: "other").errorCode == "invalid_grant")
            // None of that spent or revoked the real token.
            #expect(try await Flows.refresh(client, refresh).status == .ok)
        }
    }

    @Test("unknown user and wrong password get identical answers; disabled users cannot tell either")
    func enumeration() async throws {
        try await TestApp.run { client in
            let wrongPassword = try await client.send(
                .post,
                "/t/demo/login",
                json: #"{"client_id": "demo-app", "username": "demo", "password": "wrong-password"}"#
            )
            let unknownUser = try await client.send(
                .post,
                "/t/demo/login",
                json: #"{"client_id": "demo-app", "username": "nobody", "password": "wrong-password"}"#
            )
            #expect(wrongPassword.status == .badRequest)
            #expect(wrongPassword.status == unknownUser.status)
            #expect(wrongPassword.body == unknownUser.body)
            #expect(wrongPassword.errorCode == "invalid_grant")
        }
    }

    @Test("confidential clients: Basic or body secret, wrong secret 401, both at once invalid_request, client_credentials")
    func confidentialClient() async throws {
        try await TestApp.run { client in
            let created = try await client.send(
                .post,
                "/admin/v1/tenants/demo/clients",
                key: TestApp.operatorKey,
                json:
                    #"{"client_id": "backend", "name": "Backend", "type": "confidential", "grant_types": ["refresh_token", "client_credentials"], "scopes": ["read", "write"]}"#
            )
            #expect(created.status == .created)
            #expect(created.headers[.cacheControl] == "no-store")
            let secret = try #require(created.json["client_secret"] as? String)
            let read = try await client.send(.get, "/admin/v1/tenants/demo/clients/backend", key: TestApp.operatorKey)
            #expect(read.json["client_secret"] == nil)

            let basic = "Basic " + Data("backend:\(secret)".utf8).base64EncodedString()
            let cc = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: "grant_type=client_credentials&scope=read",
                contentType: "application/x-www-form-urlencoded",
                headers: [.authorization: basic]
            )
            #expect(cc.status == .ok, "\(String(buffer: cc.body))")
            #expect(cc.json["refresh_token"] == nil)
            #expect(cc.json["scope"] as? String == "read")

            let post = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: #"{"grant_type": "client_credentials", "client_id": "backend", "client_secret": "\#(secret)"}"#
            )
            #expect(post.status == .ok)

            let wrongBasic = "Basic " + Data("backend:nope".utf8).base64EncodedString()
            let bad = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: "grant_type=client_credentials",
                contentType: "application/x-www-form-urlencoded",
                headers: [.authorization: wrongBasic]
            )
            #expect(bad.status == .unauthorized)
            #expect(bad.errorCode == "invalid_client")
            #expect(bad.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)

            let both = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: "grant_type=client_credentials&client_secret=\(secret)",
                contentType: "application/x-www-form-urlencoded",
                headers: [.authorization: basic]
            )
            #expect(both.errorCode == "invalid_request")

            let wider = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: #"{"grant_type": "client_credentials", "client_id": "backend", "client_secret": "\#(secret)", "scope": "admin"}"#
            )
            #expect(wider.errorCode == "invalid_scope")

            // A public client may not use client_credentials.
            let publicCC = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: #"{"grant_type": "client_credentials", "client_id": "demo-app"}"#
            )
            #expect(publicCC.errorCode == "unauthorized_client")
        }
    }

    @Test("a refresh asking for a wider scope is invalid_scope; a narrower one is allowed")
    func refreshScope() async throws {
        try await TestApp.run { client in
            let login = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let r0 = try #require(login.json["refresh_token"] as? String)
            let wider = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: Flows.form([("grant_type", "refresh_token"), ("client_id", "demo-app"), ("refresh_token", r0), ("scope", "profile admin")]),
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(wider.errorCode == "invalid_scope")
        }
    }

    @Test(
        "malformed token requests are plain 4xx OAuth errors",
        arguments: [
            ("grant_type=password&username=a&password=b&client_id=demo-app", "application/x-www-form-urlencoded", "unsupported_grant_type"),
            ("grant_type=refresh_token&grant_type=refresh_token&client_id=demo-app", "application/x-www-form-urlencoded", "invalid_request"),
            ("grant_type=refresh_token&client_id=demo-app&refresh_token=%ZZ", "application/x-www-form-urlencoded", "invalid_request"),
            ("grant_type=refresh_token&client_id=demo-app", "application/x-www-form-urlencoded", "invalid_request"),
            ("client_id=demo-app", "application/x-www-form-urlencoded", "invalid_request"),
            ("grant_type=refresh_token&refresh_token=x", "application/x-www-form-urlencoded", "invalid_client"),
            (#"{"grant_type": 1}"#, "application/json", "invalid_request"),
            (#"[1,2]"#, "application/json", "invalid_request"),
            ("grant_type=refresh_token", "text/plain", "unsupported_media_type"),
        ]
    )
    func malformed(_ body: String, _ contentType: String, _ code: String) async throws {
        try await TestApp.run { client in
            let response = try await client.send(.post, "/t/demo/oauth/token", json: body, contentType: contentType)
            #expect((400..<500).contains(response.status.code))
            #expect(response.errorCode == code, "\(String(buffer: response.body))")
        }
    }

    @Test("passwords must be 8 to 1024 characters; a longer one is refused before hashing")
    func passwordLength() async throws {
        try await TestApp.run { client in
            let long = String(repeating: "p", count: 1025)
            let tooLong = try await client.send(
                .post,
                "/admin/v1/tenants/demo/users",
                key: TestApp.operatorKey,
                json: #"{"username": "x", "password": "\#(long)"}"#
            )
            #expect(tooLong.status == .badRequest)
            let tooShort = try await client.send(
                .post,
                "/admin/v1/tenants/demo/users",
                key: TestApp.operatorKey,
                json: #"{"username": "x", "password": "short"}"#
            )
            #expect(tooShort.status == .badRequest)
            let ok = try await client.send(
                .post,
                "/admin/v1/tenants/demo/users",
                key: TestApp.operatorKey,
                json: #"{"username": "ada", "password": "\#(String(repeating: "é", count: 1024))"}"#
            )
            #expect(ok.status == .created)
            #expect(ok.json["password"] == nil && ok.json["password_hash"] == nil)
            let loginLong = try await client.send(
                .post,
                "/t/demo/login",
                json: #"{"client_id": "demo-app", "username": "ada", "password": "\#(long)"}"#
            )
            #expect(loginLong.errorCode == "invalid_request")
            let login = try await client.send(
                .post,
                "/t/demo/login",
                json: #"{"client_id": "demo-app", "username": "ada", "password": "\#(String(repeating: "é", count: 1024))"}"#
            )
            #expect(login.status == .ok)
        }
    }

}
