import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

/// DPoP-bound sessions and access tokens (RFC 9449) over HTTP, on the memory store.
@Suite("DPoP over HTTP")
struct DPoPTests {
    static let dpop = HTTPField.Name("DPoP")!
    static let dpopNonce = HTTPField.Name("DPoP-Nonce")!
    static let base = TestApp.publicURL

    /// A client's side of DPoP: its key and the latest nonce Baton gave it.
    final class Holder: @unchecked Sendable {
        let key: DPoPTestKey
        var nonce: String?
        init(_ key: DPoPTestKey = DPoPTestKey()) { self.key = key }
    }

    /// Sends a form or JSON POST with a fresh proof by `holder`; a `use_dpop_nonce` answer is retried once with
    /// the nonce it carries, as clients do.
    static func post(
        _ client: any TestClientProtocol,
        _ path: String,
        body: String,
        form: Bool = true,
        holder: Holder
    ) async throws -> TestResponse {
        for _ in 0..<2 {
            let proof = holder.key.proof(url: base + path, nonce: holder.nonce)
            let response = try await client.send(
                .post,
                path,
                json: body,
                contentType: form ? "application/x-www-form-urlencoded" : "application/json",
                headers: [dpop: proof]
            )
            guard response.errorCode == "use_dpop_nonce", let nonce = response.headers[dpopNonce] else { return response }
            holder.nonce = nonce
        }
        Issue.record("a fresh nonce was refused")
        throw CancellationError()
    }

    static func login(
        _ client: any TestClientProtocol,
        holder: Holder,
        tenant: String = "demo",
        clientID: String = "demo-app"
    ) async throws -> TestResponse {
        try await post(
            client,
            "/t/\(tenant)/login",
            body: #"{"client_id": "\#(clientID)", "username": "demo", "password": "\#(TestApp.demoPassword)"}"#,
            form: false,
            holder: holder
        )
    }

    static func refresh(
        _ client: any TestClientProtocol,
        _ token: String,
        holder: Holder,
        tenant: String = "demo",
        clientID: String = "demo-app"
    ) async throws -> TestResponse {
        try await post(
            client,
            "/t/\(tenant)/oauth/token",
            body: Flows.form([("grant_type", "refresh_token"), ("client_id", clientID), ("refresh_token", token)]),
            holder: holder
        )
    }

    @Test("a login with a proof first gets use_dpop_nonce, then a DPoP token bound to the key; without a proof nothing changes")
    func bindingAtLogin() async throws {
        try await TestApp.run { client in
            let holder = Holder()
            let first = try await client.send(
                .post,
                "/t/demo/login",
                json: Flows.demoLogin,
                headers: [Self.dpop: holder.key.proof(url: Self.base + "/t/demo/login")]
            )
            #expect(first.status == .badRequest)
            #expect(first.errorCode == "use_dpop_nonce")
            #expect(first.headers[Self.dpopNonce] != nil)

            let login = try await Self.login(client, holder: holder)
            #expect(login.status == .ok, "\(String(buffer: login.body))")
            #expect(login.json["token_type"] as? String == "DPoP")
            let access = try #require(login.json["access_token"] as? String)
            #expect((Flows.claims(of: access)?["cnf"] as? [String: Any])?["jkt"] as? String == holder.key.thumbprint)

            let plain = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            #expect(plain.json["token_type"] as? String == "Bearer")
            #expect(Flows.claims(of: try #require(plain.json["access_token"] as? String))?["cnf"] == nil)

            let metadata = try await client.send(.get, "/t/demo/.well-known/oauth-authorization-server")
            #expect(metadata.json["dpop_signing_alg_values_supported"] as? [String] == ["ES256", "EdDSA", "RS256"])
        }
    }

    @Test("a bound session refreshes only with a proof by its key: no proof, another key or a replayed proof rotate and revoke nothing")
    func boundRefresh() async throws {
        try await TestApp.run { client in
            let holder = Holder()
            let r0 = try #require(try await Self.login(client, holder: holder).json["refresh_token"] as? String)
            let form = Flows.form([("grant_type", "refresh_token"), ("client_id", "demo-app"), ("refresh_token", r0)])

            let bare = try await Flows.refresh(client, r0)
            #expect(bare.status == .badRequest)
            #expect(bare.errorCode == "invalid_dpop_proof")
            let thief = Holder()
            let stolen = try await Self.refresh(client, r0, holder: thief)
            #expect(stolen.errorCode == "invalid_dpop_proof")

            let replayedProof = holder.key.proof(url: Self.base + "/t/demo/oauth/token", nonce: holder.nonce)
            let r1Response = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: form,
                contentType: "application/x-www-form-urlencoded",
                headers: [Self.dpop: replayedProof]
            )
            #expect(r1Response.status == .ok, "\(String(buffer: r1Response.body))")
            #expect(r1Response.json["token_type"] as? String == "DPoP")
            let r1 = try #require(r1Response.json["refresh_token"] as? String)
            let replay = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: Flows.form([("grant_type", "refresh_token"), ("client_id", "demo-app"), ("refresh_token", r1)]),
                contentType: "application/x-www-form-urlencoded",
                headers: [Self.dpop: replayedProof]
            )
            #expect(replay.errorCode == "invalid_dpop_proof")
            #expect((replay.json["error_description"] as? String)?.contains("used before") == true)
            let twoProofs = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: Flows.form([("grant_type", "refresh_token"), ("client_id", "demo-app"), ("refresh_token", r1)]),
                contentType: "application/x-www-form-urlencoded",
                headers: [Self.dpop: holder.key.proof(url: Self.base + "/t/demo/oauth/token", nonce: holder.nonce), Self.dpop: "x.y.z"]
            )
            #expect(twoProofs.errorCode == "invalid_dpop_proof")

            // The spent r0 presented without the key is refused as such, not as reuse: the session stays live.
            #expect(try await Flows.refresh(client, r0).errorCode == "invalid_dpop_proof")
            let r2 = try await Self.refresh(client, r1, holder: holder)
            #expect(r2.status == .ok, "\(String(buffer: r2.body))")
            // Reuse by the key holder itself still revokes.
            #expect(try await Self.refresh(client, r0, holder: holder).errorCode == "invalid_grant")
            #expect(try await Self.refresh(client, try #require(r2.json["refresh_token"] as? String), holder: holder).errorCode == "invalid_grant")
        }
    }

    @Test("the grace retry of a bound session works with a fresh proof by the same key, and only with it")
    func graceRetry() async throws {
        try await TestApp.run { client in
            let tenant = try await client.createTenant(settings: #"{"reuse_grace": 30}"#)
            _ = try await client.send(
                .post,
                "/admin/v1/tenants/\(tenant)/clients",
                key: TestApp.operatorKey,
                json: #"{"client_id": "demo-app", "name": "App", "type": "public"}"#
            )
            _ = try await client.send(
                .post,
                "/admin/v1/tenants/\(tenant)/users",
                key: TestApp.operatorKey,
                json: #"{"username": "demo", "password": "\#(TestApp.demoPassword)"}"#
            )
            let holder = Holder()
            let r0 = try #require(try await Self.login(client, holder: holder, tenant: tenant).json["refresh_token"] as? String)
            let r1 = try #require(try await Self.refresh(client, r0, holder: holder, tenant: tenant).json["refresh_token"] as? String)
            #expect(try await Self.refresh(client, r0, holder: Holder(), tenant: tenant).errorCode == "invalid_dpop_proof")
            let retried = try await Self.refresh(client, r0, holder: holder, tenant: tenant)
            #expect(retried.status == .ok)
            #expect(retried.json["refresh_token"] as? String == r1)
        }
    }

    @Test("bound access tokens: /me needs Authorization: DPoP with a proof by the key over the token's hash; Bearer is refused")
    func resourceRequests() async throws {
        try await TestApp.run { client in
            let holder = Holder()
            let login = try await Self.login(client, holder: holder)
            let access = try #require(login.json["access_token"] as? String)
            let url = Self.base + "/t/demo/me"
            let bearer = try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(access)"])
            #expect(bearer.status == .unauthorized)
            #expect(bearer.headers[.wwwAuthenticate]?.hasPrefix("DPoP error=\"invalid_dpop_proof\"") == true)
            let proved = try await client.send(
                .get,
                "/t/demo/me",
                headers: [.authorization: "DPoP \(access)", Self.dpop: holder.key.proof(method: "GET", url: url, accessToken: access)]
            )
            #expect(proved.status == .ok, "\(String(buffer: proved.body))")
            for proof in [
                holder.key.proof(method: "GET", url: url),
                holder.key.proof(method: "GET", url: url, accessToken: "another"),
                DPoPTestKey().proof(method: "GET", url: url, accessToken: access),
                holder.key.proof(method: "POST", url: url, accessToken: access),
            ] {
                let refused = try await client.send(.get, "/t/demo/me", headers: [.authorization: "DPoP \(access)", Self.dpop: proof])
                #expect(refused.status == .unauthorized)
                #expect(refused.errorCode == "invalid_dpop_proof")
            }
            let noProof = try await client.send(.get, "/t/demo/me", headers: [.authorization: "DPoP \(access)"])
            #expect(noProof.status == .unauthorized)
            // An unbound token sent as DPoP is not a DPoP token.
            let unbound = try #require(try await client.send(.post, "/t/demo/login", json: Flows.demoLogin).json["access_token"] as? String)
            let mislabelled = try await client.send(
                .get,
                "/t/demo/me",
                headers: [.authorization: "DPoP \(unbound)", Self.dpop: holder.key.proof(method: "GET", url: url, accessToken: unbound)]
            )
            #expect(mislabelled.status == .unauthorized)
            #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(unbound)"]).status == .ok)

            let basic = try await Flows.resourceServer(client)
            let introspected = try await Flows.introspect(client, access, basic: basic)
            #expect((introspected.json["cnf"] as? [String: Any])?["jkt"] as? String == holder.key.thumbprint)
            let refresh = try #require(login.json["refresh_token"] as? String)
            #expect(
                (try await Flows.introspect(client, refresh, basic: basic).json["cnf"] as? [String: Any])?["jkt"] as? String == holder.key.thumbprint
            )
            #expect(try await Flows.introspect(client, unbound, basic: basic).json["cnf"] == nil)
        }
    }

    @Test("a client with dpop_bound_access_tokens must send a proof at login and refresh")
    func requiredByClient() async throws {
        try await TestApp.run { client in
            let created = try await client.send(
                .post,
                "/admin/v1/tenants/demo/clients",
                key: TestApp.operatorKey,
                json: #"{"client_id": "mobile", "name": "Mobile", "type": "public", "dpop_bound_access_tokens": true}"#
            )
            #expect(created.json["dpop_bound_access_tokens"] as? Bool == true)
            let bare = try await client.send(
                .post,
                "/t/demo/login",
                json: #"{"client_id": "mobile", "username": "demo", "password": "\#(TestApp.demoPassword)"}"#
            )
            #expect(bare.errorCode == "invalid_dpop_proof")
            let holder = Holder()
            let login = try await Self.login(client, holder: holder, clientID: "mobile")
            #expect(login.status == .ok)
            #expect(login.json["token_type"] as? String == "DPoP")
            let off = try await client.send(
                .patch,
                "/admin/v1/tenants/demo/clients/mobile",
                key: TestApp.operatorKey,
                json: #"{"dpop_bound_access_tokens": false}"#
            )
            #expect(off.json["dpop_bound_access_tokens"] as? Bool == false)

            // A session started without a proof, before the client required them: its refresh now needs one, and
            // the refusal spends nothing.
            let unbound = try #require(
                try await client.send(
                    .post,
                    "/t/demo/login",
                    json: #"{"client_id": "mobile", "username": "demo", "password": "\#(TestApp.demoPassword)"}"#
                ).json["refresh_token"] as? String
            )
            _ = try await client.send(
                .patch,
                "/admin/v1/tenants/demo/clients/mobile",
                key: TestApp.operatorKey,
                json: #"{"dpop_bound_access_tokens": true}"#
            )
            let bareRefresh = try await Flows.refresh(client, unbound, clientID: "mobile")
            #expect(bareRefresh.errorCode == "invalid_dpop_proof")
            #expect(try await Self.refresh(client, unbound, holder: holder, clientID: "mobile").status == .ok)
        }
    }

    @Test("client_credentials with a proof gives a token bound to the key; a client requiring proofs gets none without one")
    func clientCredentials() async throws {
        try await TestApp.run { client in
            let created = try await client.send(
                .post,
                "/admin/v1/tenants/demo/clients",
                key: TestApp.operatorKey,
                json: #"{"client_id": "worker", "name": "Worker", "type": "confidential", "grant_types": ["client_credentials"]}"#
            )
            let secret = try #require(created.json["client_secret"] as? String)
            let body = Flows.form([("grant_type", "client_credentials"), ("client_id", "worker"), ("client_secret", secret)])
            let holder = Holder()
            let bound = try await Self.post(client, "/t/demo/oauth/token", body: body, holder: holder)
            #expect(bound.status == .ok, "\(String(buffer: bound.body))")
            #expect(bound.json["token_type"] as? String == "DPoP")
            let access = try #require(bound.json["access_token"] as? String)
            #expect((Flows.claims(of: access)?["cnf"] as? [String: Any])?["jkt"] as? String == holder.key.thumbprint)

            let bearer = try await client.send(.post, "/t/demo/oauth/token", json: body, contentType: "application/x-www-form-urlencoded")
            #expect(bearer.json["token_type"] as? String == "Bearer")
            _ = try await client.send(
                .patch,
                "/admin/v1/tenants/demo/clients/worker",
                key: TestApp.operatorKey,
                json: #"{"dpop_bound_access_tokens": true}"#
            )
            let refused = try await client.send(.post, "/t/demo/oauth/token", json: body, contentType: "application/x-www-form-urlencoded")
            #expect(refused.errorCode == "invalid_dpop_proof")
            #expect(try await Self.post(client, "/t/demo/oauth/token", body: body, holder: holder).status == .ok)
        }
    }
}
