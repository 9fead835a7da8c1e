import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

/// Per-client CORS: which page may read which answer (see `CORSMiddleware` and `ClientService.allowsOrigin`).
@Suite("CORS for browser clients")
struct CORSTests {
    static let originA = "https://a.example"
    static let originB = "http://localhost:5173"

    /// Two single-page apps of the demo tenant: `spa-a` on `originA`, `spa-b` on `originB`.
    static func withApps(records: RecordingLogHandler.Records = .init(), _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws
    {
        try await TestApp.run(records: records) { client in
            for (id, origin) in [("spa-a", originA), ("spa-b", originB)] {
                let created = try await client.send(
                    .post,
                    "/admin/v1/tenants/demo/clients",
                    key: TestApp.operatorKey,
                    json: #"{"client_id": "\#(id)", "name": "SPA", "type": "public", "allowed_origins": ["\#(origin)"]}"#
                )
                #expect(created.status == .created, "\(String(buffer: created.body))")
                #expect(created.json["allowed_origins"] as? [String] == [origin])
            }
            try await body(client)
        }
    }

    static func preflight(
        _ client: any TestClientProtocol,
        _ path: String,
        origin: String,
        method: String = "POST",
        headers requested: String? = "content-type"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.origin: origin, .accessControlRequestMethod: method]
        if let requested { headers[.accessControlRequestHeaders] = requested }
        return try await client.send(.options, path, contentType: nil, headers: headers)
    }

    static func login(
        _ client: any TestClientProtocol,
        clientID: String,
        origin: String,
        password: String = TestApp.demoPassword
    ) async throws -> TestResponse {
        try await client.send(
            .post,
            "/t/demo/login",
            json: #"{"client_id": "\#(clientID)", "username": "demo", "password": "\#(password)"}"#,
            headers: [.origin: origin]
        )
    }

    @Test("a preflight from an origin of the tenant's clients is 204 with the methods, headers and max-age; any other origin is 403 and logged")
    func preflights() async throws {
        let records = RecordingLogHandler.Records()
        try await Self.withApps(records: records) { client in
            for path in ["/t/demo/oauth/token", "/t/demo/login", "/t/demo/signup", "/t/demo/oauth/revoke", "/t/demo/logout"] {
                for origin in [Self.originA, Self.originB] {
                    let allowed = try await Self.preflight(client, path, origin: origin, headers: "Content-Type, DPoP, Authorization")
                    #expect(allowed.status == .noContent, "\(path) \(origin)")
                    #expect(allowed.headers[.accessControlAllowOrigin] == origin)
                    #expect(allowed.headers[.accessControlAllowMethods] == "POST")
                    #expect(allowed.headers[.accessControlAllowHeaders] == "Authorization, Content-Type, DPoP")
                    #expect(allowed.headers[.accessControlMaxAge] == "600")
                    #expect(allowed.headers[values: .vary].contains("Origin"))
                }
            }
            let sessions = try await Self.preflight(
                client,
                "/t/demo/sessions/\(UUID())",
                origin: Self.originA,
                method: "DELETE",
                headers: "authorization"
            )
            #expect(sessions.status == .noContent)
            #expect(sessions.headers[.accessControlAllowMethods] == "DELETE")
            #expect(
                try await Self.preflight(client, "/t/demo/me", origin: Self.originB, method: "GET", headers: "authorization").status == .noContent
            )

            for refused in [
                try await Self.preflight(client, "/t/demo/oauth/token", origin: "https://evil.example"),
                try await Self.preflight(client, "/t/demo/oauth/token", origin: "null"),
                try await Self.preflight(client, "/t/demo/oauth/token", origin: "https://a.example.evil.example"),
                try await Self.preflight(client, "/t/demo/oauth/token", origin: Self.originA, method: "DELETE"),
                try await Self.preflight(client, "/t/demo/oauth/token", origin: Self.originA, headers: "content-type, x-forwarded-for"),
                try await Self.preflight(client, "/t/nosuchtenant/oauth/token", origin: Self.originA),
            ] {
                #expect(refused.status == .forbidden)
                #expect(refused.headers[.accessControlAllowOrigin] == nil)
                #expect(refused.errorCode == "forbidden")
            }
            // An origin of one tenant's client is nobody's in another tenant.
            let other = try await client.createTenant()
            #expect(try await Self.preflight(client, "/t/\(other)/oauth/token", origin: Self.originA).status == .forbidden)
        }
        #expect(records.all.contains { $0.contains("cross-origin preflight refused") && $0.contains("https://evil.example") })
    }

    @Test("an answer is readable by the origins of the client the request names only, errors included; another client's origin cannot read it")
    func actualResponses() async throws {
        let records = RecordingLogHandler.Records()
        try await Self.withApps(records: records) { client in
            let own = try await Self.login(client, clientID: "spa-a", origin: Self.originA)
            #expect(own.status == .ok)
            #expect(own.headers[.accessControlAllowOrigin] == Self.originA)
            #expect(own.headers[.accessControlExposeHeaders] == "WWW-Authenticate, Retry-After, DPoP-Nonce")
            #expect(own.headers[values: .vary].contains("Origin"))

            // A page on spa-a's origin logging in as spa-b: Baton answers, but the browser may not show the page.
            let foreign = try await Self.login(client, clientID: "spa-b", origin: Self.originA)
            #expect(foreign.status == .ok)
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            #expect(foreign.headers[.accessControlExposeHeaders] == nil)

            let wrongPassword = try await Self.login(client, clientID: "spa-a", origin: Self.originA, password: "wrong")
            #expect(wrongPassword.status != .ok)
            #expect(wrongPassword.headers[.accessControlAllowOrigin] == Self.originA)

            // Refresh: the named client's origins.
            let refreshToken = try #require(own.json["refresh_token"] as? String)
            let body = Flows.form([("grant_type", "refresh_token"), ("client_id", "spa-a"), ("refresh_token", refreshToken)])
            let refreshedElsewhere = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: Flows.form([("grant_type", "refresh_token"), ("client_id", "spa-a"), ("refresh_token", "garbage")]),
                contentType: "application/x-www-form-urlencoded",
                headers: [.origin: Self.originB]
            )
            #expect(refreshedElsewhere.status == .badRequest)
            #expect(refreshedElsewhere.headers[.accessControlAllowOrigin] == nil)
            let refreshed = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: body,
                contentType: "application/x-www-form-urlencoded",
                headers: [.origin: Self.originA]
            )
            #expect(refreshed.status == .ok)
            #expect(refreshed.headers[.accessControlAllowOrigin] == Self.originA)
            // Revocation: the client the form names.
            for (origin, readable) in [(Self.originA, true), (Self.originB, false)] {
                let revoked = try await client.send(
                    .post,
                    "/t/demo/oauth/revoke",
                    json: Flows.form([("client_id", "spa-a"), ("token", "unknown-token")]),
                    contentType: "application/x-www-form-urlencoded",
                    headers: [.origin: origin]
                )
                #expect(revoked.status == .ok)
                #expect((revoked.headers[.accessControlAllowOrigin] == origin) == readable, "\(origin)")
            }

            // Bearer endpoints: the access token's client.
            let accessB = try #require(try await Self.login(client, clientID: "spa-b", origin: Self.originB).json["access_token"] as? String)
            let meFromA = try await client.send(.get, "/t/demo/me", headers: [.origin: Self.originA, .authorization: "Bearer \(accessB)"])
            #expect(meFromA.status == .ok)
            #expect(meFromA.headers[.accessControlAllowOrigin] == nil)
            let meFromB = try await client.send(.get, "/t/demo/me", headers: [.origin: Self.originB, .authorization: "Bearer \(accessB)"])
            #expect(meFromB.headers[.accessControlAllowOrigin] == Self.originB)
            let sessionsFromB = try await client.send(
                .get,
                "/t/demo/sessions",
                headers: [.origin: Self.originB, .authorization: "Bearer \(accessB)"]
            )
            #expect(sessionsFromB.headers[.accessControlAllowOrigin] == Self.originB)
            // No token names no client: the 401 is readable where any client of the tenant allows, so a page can see why.
            let anonymous = try await client.send(.get, "/t/demo/me", headers: [.origin: Self.originA])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.accessControlAllowOrigin] == Self.originA)
            let stranger = try await client.send(.get, "/t/demo/me", headers: [.origin: "https://evil.example"])
            #expect(stranger.headers[.accessControlAllowOrigin] == nil)

            // Without Origin, nothing changes.
            let plain = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            #expect(plain.headers[.accessControlAllowOrigin] == nil)
            #expect(plain.headers[.vary] == nil)
        }
        #expect(records.all.contains { $0.contains("cross-origin response withheld") && $0.contains("spa-b") })
    }

    @Test("JWKS and metadata are readable from any origin; admin endpoints never answer CORS")
    func documentsAndAdmin() async throws {
        try await Self.withApps { client in
            for path in [
                "/t/demo/.well-known/jwks.json", "/t/demo/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/t/demo",
            ] {
                let response = try await client.send(.get, path, headers: [.origin: "https://anyone.example"])
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
            let adminPreflight = try await Self.preflight(client, "/admin/v1/tenants", origin: Self.originA, method: "GET", headers: "authorization")
            #expect(adminPreflight.status == .methodNotAllowed)
            #expect(adminPreflight.headers[.accessControlAllowOrigin] == nil)
            let admin = try await client.send(.get, "/admin/v1/tenants", key: TestApp.operatorKey, headers: [.origin: Self.originA])
            #expect(admin.status == .ok)
            #expect(admin.headers[.accessControlAllowOrigin] == nil)
            let introspect = try await Self.preflight(client, "/t/demo/oauth/introspect", origin: Self.originA)
            #expect(introspect.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test("allowed_origins: validated, public clients only, and a change applies to the next preflight")
    func administration() async throws {
        try await Self.withApps { client in
            let clients = "/admin/v1/tenants/demo/clients"
            for (json, reason) in [
                (#"{"name": "X", "type": "confidential", "allowed_origins": ["https://a.example"]}"#, "public clients"),
                (#"{"name": "X", "type": "public", "allowed_origins": ["https://a.example/app"]}"#, "allowed_origins"),
                (#"{"name": "X", "type": "public", "allowed_origins": ["*"]}"#, "allowed_origins"),
                (#"{"name": "X", "type": "public", "allowed_origins": "https://a.example"}"#, "allowed_origins"),
            ] {
                let refused = try await client.send(.post, clients, key: TestApp.operatorKey, json: json)
                #expect(refused.status == .badRequest, "\(json)")
                #expect((refused.json["error_description"] as? String)?.contains(reason) == true, "\(String(buffer: refused.body))")
            }
            let moved = try await client.send(
                .patch,
                "\(clients)/spa-a",
                key: TestApp.operatorKey,
                json: #"{"allowed_origins": ["HTTPS://New.Example:443"]}"#
            )
            #expect(moved.status == .ok)
            #expect(moved.json["allowed_origins"] as? [String] == ["https://new.example"])
            #expect(try await Self.preflight(client, "/t/demo/login", origin: "https://new.example").status == .noContent)
            #expect(try await Self.preflight(client, "/t/demo/login", origin: Self.originA).status == .forbidden)
            let login = try await Self.login(client, clientID: "spa-a", origin: "https://new.example")
            #expect(login.headers[.accessControlAllowOrigin] == "https://new.example")
            let read = try await client.send(.get, "\(clients)/spa-b", key: TestApp.operatorKey)
            #expect(read.json["allowed_origins"] as? [String] == [Self.originB])
            let removed = try await client.send(.delete, "\(clients)/spa-b", key: TestApp.operatorKey)
            #expect(removed.status == .noContent)
            #expect(try await Self.preflight(client, "/t/demo/login", origin: Self.originB).status == .forbidden)
        }
    }
}
