import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// Bytes no store can hold, repeated members, and the headers every answer carries, over HTTP on the memory
/// store and on PostgreSQL: each refusal is a 400 naming the field, made before any store call (no audit event,
/// no throttle count, no 503).
@Suite("Hostile input over HTTP")
struct HostileInputTests {

    /// One request that must be refused with 400 `invalid_request` naming `field`.
    struct Probe: CustomTestStringConvertible, Sendable {
        let name: String
        let field: String
        /// Path below `/t/{tenant}` (public) or `/admin/v1/tenants/{tenant}` (admin).
        let path: String
        var admin = false
        var method = HTTPRequest.Method.post
        var body: String? = nil
        var contentType = "application/x-www-form-urlencoded"
        /// Basic credentials `id:secret` (raw, before base64); `rs` means the fixture's confidential client.
        var basic: String? = nil
        var testDescription: String { name }
    }

    static let nul = "%00"
    static let notUTF8 = "%FF%FE"

    static let probes: [Probe] = [
        Probe(name: "login form: NUL in username", field: "username", path: "/login", body: "client_id=app&username=al\(nul)ice&password=x"),
        Probe(name: "login form: NUL in password", field: "password", path: "/login", body: "client_id=app&username=alice&password=x\(nul)"),
        Probe(name: "login form: NUL in client_id", field: "client_id", path: "/login", body: "client_id=a\(nul)pp&username=alice&password=x"),
        Probe(name: "login form: invalid UTF-8 in username", field: "username", path: "/login", body: "client_id=app&username=\(notUTF8)&password=x"),
        Probe(
            name: "login JSON: NUL in username",
            field: "username",
            path: "/login",
            body: #"{"client_id": "app", "username": "al\u0000ice", "password": "x"}"#,
            contentType: "application/json"
        ),
        Probe(
            name: "login JSON: NUL in client_id",
            field: "client_id",
            path: "/login",
            body: #"{"client_id": "\u0000", "username": "alice", "password": "x"}"#,
            contentType: "application/json"
        ),
        Probe(
            name: "login JSON: NUL in a member name",
            field: "must not contain NUL",
            path: "/login",
            body: #"{"client_id": "app", "user\u0000name": "alice", "password": "x"}"#,
            contentType: "application/json"
        ),
        Probe(name: "login: NUL in Basic client id", field: "client_id", path: "/login", body: "username=alice&password=x", basic: "a%00pp:"),
        Probe(
            name: "token: NUL in refresh_token",
            field: "refresh_token",
            path: "/oauth/token",
            body: "grant_type=refresh_token&client_id=app&refresh_token=brt\(nul)"
        ),
        Probe(
            name: "token: NUL in scope",
            field: "scope",
            path: "/oauth/token",
            body: "grant_type=refresh_token&client_id=app&refresh_token=x&scope=a\(nul)"
        ),
        Probe(
            name: "token: NUL in client_id",
            field: "client_id",
            path: "/oauth/token",
            body: "grant_type=refresh_token&client_id=\(nul)&refresh_token=x"
        ),
        Probe(
            name: "token: invalid UTF-8 in client_id",
            field: "client_id",
            path: "/oauth/token",
            body: "grant_type=refresh_token&client_id=\(notUTF8)&refresh_token=x"
        ),
        Probe(
            name: "token: NUL in Basic client id",
            field: "client_id",
            path: "/oauth/token",
            body: "grant_type=client_credentials",
            basic: "r%00s1:secret"
        ),
        Probe(
            name: "token: NUL in Basic secret",
            field: "client_secret",
            path: "/oauth/token",
            body: "grant_type=client_credentials",
            basic: "rs1:se%00cret"
        ),
        Probe(
            name: "token JSON: refresh_token twice",
            field: "refresh_token appears more than once",
            path: "/oauth/token",
            body: #"{"grant_type": "refresh_token", "client_id": "app", "refresh_token": "a", "refresh_token": "b"}"#,
            contentType: "application/json"
        ),
        Probe(
            name: "token JSON: grant_type twice",
            field: "grant_type appears more than once",
            path: "/oauth/token",
            body: #"{"grant_type": "client_credentials", "grant_type": "refresh_token", "refresh_token": "a", "client_id": "app"}"#,
            contentType: "application/json"
        ),
        Probe(
            name: "token JSON: client_id twice, one escaped",
            field: "client_id appears more than once",
            path: "/oauth/token",
            body: #"{"grant_type": "refresh_token", "client_id": "rs1", "client\u005fid": "app", "refresh_token": "a"}"#,
            contentType: "application/json"
        ),
        Probe(
            name: "token form: client_id twice",
            field: "client_id appears more than once",
            path: "/oauth/token",
            body: "grant_type=refresh_token&client_id=app&client_id=rs1&refresh_token=a"
        ),
        Probe(name: "introspect: NUL in token", field: "token", path: "/oauth/introspect", body: "token=abc\(nul)", basic: "rs"),
        Probe(name: "introspect: NUL in Basic client id", field: "client_id", path: "/oauth/introspect", body: "token=abc", basic: "r%00s1:x"),
        Probe(
            name: "introspect: NUL in client_id",
            field: "client_id",
            path: "/oauth/introspect",
            body: "token=abc&client_id=r\(nul)s1&client_secret=x"
        ),
        Probe(name: "revoke: NUL in token", field: "token", path: "/oauth/revoke", body: "token=\(nul)&client_id=app"),
        Probe(name: "revoke: NUL in client_id", field: "client_id", path: "/oauth/revoke", body: "token=abc&client_id=\(nul)"),
        Probe(
            name: "revoke JSON: token twice",
            field: "token appears more than once",
            path: "/oauth/revoke",
            body: #"{"token": "a", "token": "b", "client_id": "app"}"#,
            contentType: "application/json"
        ),
        Probe(
            name: "signup: NUL in username",
            field: "username",
            path: "/signup",
            body: #"{"username": "bo\u0000b", "password": "long enough password"}"#,
            contentType: "application/json"
        ),
        Probe(
            name: "signup: username twice",
            field: "username appears more than once",
            path: "/signup",
            body: #"{"username": "bob", "username": "alice", "password": "long enough password"}"#,
            contentType: "application/json"
        ),
        Probe(name: "admin users: NUL in after", field: "after", path: "/users?after=\(nul)", admin: true, method: .get),
        Probe(name: "admin clients: invalid UTF-8 in after", field: "after", path: "/clients?after=\(notUTF8)", admin: true, method: .get),
        Probe(name: "admin clients: NUL in the client id path segment", field: "path", path: "/clients/a\(nul)pp", admin: true, method: .get),
        Probe(
            name: "admin users: NUL in a username",
            field: "username",
            path: "/users",
            admin: true,
            body: #"{"username": "\u0000", "password": "long enough password"}"#,
            contentType: "application/json"
        ),
    ]

    static let cases: [(BackendApp.Backend, Probe)] = BackendApp.Backend.allCases.flatMap { backend in probes.map { (backend, $0) } }

    @Test("each hostile field is a 400 naming it, before any store call", arguments: cases)
    func refusedAtTheEdge(_ backend: BackendApp.Backend, _ probe: Probe) async throws {
        try await BackendApp.withApp(backend) { client, fixture in
            let auditPath = "/admin/v1/tenants/\(fixture.tenant)/audit-events"
            let auditBefore = try await client.send(.get, auditPath, key: TestApp.operatorKey)
            var headers: HTTPFields = [:]
            if let basic = probe.basic {
                headers[.authorization] = basic == "rs" ? fixture.rsBasic : "Basic " + Data(basic.utf8).base64EncodedString()
            }
            let path = probe.admin ? "/admin/v1/tenants/\(fixture.tenant)\(probe.path)" : "/t/\(fixture.tenant)\(probe.path)"
            let response = try await client.send(
                probe.method,
                path,
                key: probe.admin ? TestApp.operatorKey : nil,
                json: probe.body,
                contentType: probe.contentType,
                headers: headers
            )
            #expect(response.status == .badRequest, "\(String(buffer: response.body))")
            #expect(response.errorCode == "invalid_request")
            let description = response.json["error_description"] as? String ?? ""
            #expect(description.contains(probe.field), "description: \(description)")
            // Nothing reached the store: no audit event (a failed login would be one), no user created.
            let auditAfter = try await client.send(.get, auditPath, key: TestApp.operatorKey)
            #expect(auditAfter.body == auditBefore.body)
            let users = try await client.send(.get, "/admin/v1/tenants/\(fixture.tenant)/users", key: TestApp.operatorKey)
            #expect((users.json["users"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test(
        "a refresh asking for a wider scope is invalid_scope, and the same token then refreshes: nothing was spent",
        arguments: BackendApp.Backend.allCases
    )
    func widerScopeSpendsNothing(_ backend: BackendApp.Backend) async throws {
        try await BackendApp.withApp(backend) { client, fixture in
            let login = try await client.send(
                .post,
                "/t/\(fixture.tenant)/login",
                json: "client_id=app&username=alice&password=\(BackendApp.Fixture.password.replacingOccurrences(of: " ", with: "+"))",
                contentType: "application/x-www-form-urlencoded"
            )
            let token = try #require(login.json["refresh_token"] as? String, "\(String(buffer: login.body))")
            let form = "grant_type=refresh_token&client_id=app&refresh_token=\(token)"
            let wider = try await client.send(
                .post,
                "/t/\(fixture.tenant)/oauth/token",
                json: form + "&scope=profile+admin",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(wider.status == .badRequest)
            #expect(wider.errorCode == "invalid_scope")
            let again = try await client.send(.post, "/t/\(fixture.tenant)/oauth/token", json: form, contentType: "application/x-www-form-urlencoded")
            #expect(again.status == .ok, "\(String(buffer: again.body))")
            let reuse = try await client.send(
                .get,
                "/admin/v1/tenants/\(fixture.tenant)/audit-events?type=refresh_token.reuse_detected",
                key: TestApp.operatorKey
            )
            #expect((reuse.json["events"] as? [[String: Any]])?.isEmpty == true, "\(String(buffer: reuse.body))")
        }
    }

    @Test(
        "a refresh token whose proof was tampered with is inactive at introspection and refused at refresh; the real one is neither",
        arguments: BackendApp.Backend.allCases
    )
    func tamperedProof(_ backend: BackendApp.Backend) async throws {
        try await BackendApp.withApp(backend) { client, fixture in
            let login = try await client.send(
                .post,
                "/t/\(fixture.tenant)/login",
                json: #"{"client_id": "app", "username": "alice", "password": "\#(BackendApp.Fixture.password)"}"#
            )
            let token = try #require(login.json["refresh_token"] as? String)
            // A character inside the proof (the last 22 of the token encode it; the very last carries unused bits).
            var characters = Array(token)
            characters[characters.count - 5] = characters[characters.count - 5] == "A" ? "B" : "A"
            let tampered = String(characters)
            func introspect(_ token: String) async throws -> Bool? {
                try await client.send(
                    .post,
                    "/t/\(fixture.tenant)/oauth/introspect",
                    json: "token=\(token)",
                    contentType: "application/x-www-form-urlencoded",
                    headers: [.authorization: fixture.rsBasic]
                ).json["active"] as? Bool
            }
            #expect(try await introspect(tampered) == false)
            #expect(try await introspect(token) == true)
            let refused = try await client.send(
                .post,
                "/t/\(fixture.tenant)/oauth/token",
                json: "grant_type=refresh_token&client_id=app&refresh_token=\(tampered)",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(refused.errorCode == "invalid_grant")
            #expect(try await introspect(token) == true, "the refusal spent nothing")
        }
    }

    @Test("20 concurrent wrong passwords for one account from one source: 5 are checked, 15 refused with 429", arguments: BackendApp.Backend.allCases)
    func concurrentGuesses(_ backend: BackendApp.Backend) async throws {
        try await BackendApp.withApp(backend) { client, fixture in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.send(
                            .post,
                            "/t/\(fixture.tenant)/login",
                            json: #"{"client_id": "app", "username": "alice", "password": "guess \#(index)"}"#
                        ).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .badRequest }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 15, "\(statuses)")
            // The right password is refused too now, until the window ends: the account from this source is locked.
            let right = try await client.send(
                .post,
                "/t/\(fixture.tenant)/login",
                json: #"{"client_id": "app", "username": "alice", "password": "\#(BackendApp.Fixture.password)"}"#
            )
            #expect(right.status == .tooManyRequests)
        }
    }

    @Test(
        "signup is limited per source: 10 attempts a window, taken or not, then 429 before any hash; another tenant is not affected",
        arguments: BackendApp.Backend.allCases
    )
    func signupThrottle(_ backend: BackendApp.Backend) async throws {
        try await BackendApp.withApp(backend) { client, fixture in
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<12 {
                // Every third one asks for a username that exists: a 409 is an attempt too.
                let username = index % 3 == 2 ? "alice" : "new-user-\(index)"
                let response = try await client.send(
                    .post,
                    "/t/\(fixture.tenant)/signup",
                    json: #"{"username": "\#(username)", "password": "long enough password"}"#
                )
                statuses.append(response.status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .created || $0 == .conflict }, "\(statuses)")
            #expect(statuses.prefix(10).filter { $0 == .conflict }.count == 3)
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests }, "\(statuses)")
            let users = try await client.send(.get, "/admin/v1/tenants/\(fixture.tenant)/users", key: TestApp.operatorKey)
            #expect((users.json["users"] as? [[String: Any]])?.count == 8, "alice and the 7 new users")
            let other = try await client.createTenant(settings: #"{"allow_signup": true}"#)
            let elsewhere = try await client.send(.post, "/t/\(other)/signup", json: #"{"username": "bob", "password": "long enough password"}"#)
            #expect(elsewhere.status == .created)
        }
    }

    @Test("a login flood on one tenant cannot make another tenant's logins answer 503")
    func fairHashing() async throws {
        try await BackendApp.withApp(.memory) { client, fixture in
            let flooded = fixture.tenant
            let statuses = try await withThrowingTaskGroup(of: (String, HTTPResponse.Status).self) { group in
                // 45 and the 3 below stay under the per-source limit (50): every request here comes from one source.
                for index in 0..<45 {
                    group.addTask {
                        let response = try await client.send(
                            .post,
                            "/t/\(flooded)/login",
                            json: #"{"client_id": "app", "username": "flood-\#(index)", "password": "wrong password"}"#
                        )
                        return ("flood", response.status)
                    }
                }
                for _ in 0..<3 {
                    group.addTask {
                        let response = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
                        return ("demo", response.status)
                    }
                }
                return try await group.reduce(into: [(String, HTTPResponse.Status)]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == "demo" }.allSatisfy { $0.1 == .ok }, "\(statuses.filter { $0.0 == "demo" })")
            #expect(statuses.filter { $0.0 == "flood" }.allSatisfy { $0.1 == .badRequest || $0.1 == .serviceUnavailable })
        }
    }

    @Test("every answer says nosniff; /me, admin reads and errors are no-store; JWKS keeps its own cache policy")
    func responseHeaders() async throws {
        try await TestApp.run { client in
            let login = try await Flows.login(client)
            let answers = [
                try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(login.access)"]),
                try await client.send(.get, "/t/demo/sessions", headers: [.authorization: "Bearer \(login.access)"]),
                try await client.send(.get, "/admin/v1/tenants", key: TestApp.operatorKey),
                try await client.send(.get, "/admin/v1/tenants/demo/users", key: TestApp.operatorKey),
                try await client.send(.get, "/admin/v1/tenants/demo/keys", key: TestApp.operatorKey),
                try await client.send(.get, "/t/demo/nowhere"),
                try await client.send(.get, "/healthz"),
            ]
            for answer in answers {
                #expect(answer.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(answer.headers[.cacheControl] == "no-store", "\(answer.status)")
            }
            let jwks = try await client.send(.get, "/t/demo/.well-known/jwks.json")
            #expect(jwks.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(jwks.headers[.cacheControl]?.hasPrefix("public, max-age=") == true)
        }
    }
}
