import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

@Suite("Admin API: tenants and keys")
struct AdminTenantTests {
    @Test("create → read → list → patch → delete, with all settings in every answer")
    func lifecycle() async throws {
        try await TestApp.run { client in
            let key = TestApp.operatorKey
            let created = try await client.send(
                .post,
                "/admin/v1/tenants",
                key: key,
                json:
                    #"{"id": "acme", "display_name": "Acme", "settings": {"access_token_ttl": 600, "signing_alg": "EdDSA", "audiences": ["api://x"]}}"#
            )
            #expect(created.status == .created)
            #expect(created.json["id"] as? String == "acme")
            #expect(created.json["issuer"] as? String == "\(TestApp.publicURL)/t/acme")
            let settings = try #require(created.json["settings"] as? [String: Any])
            #expect(settings["access_token_ttl"] as? Int == 600)
            #expect(settings["signing_alg"] as? String == "EdDSA")
            #expect(settings["reuse_grace"] as? Int == 10)
            #expect(settings["audiences"] as? [String] == ["api://x"])
            #expect(Set(settings.keys).count == 11)

            let read = try await client.send(.get, "/admin/v1/tenants/acme", key: key)
            #expect(read.status == .ok)
            #expect(read.json["display_name"] as? String == "Acme")

            let list = try await client.send(.get, "/admin/v1/tenants?limit=200", key: key)
            let ids = (list.json["tenants"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == ["acme", "demo"])

            let patched = try await client.send(.patch, "/admin/v1/tenants/acme", key: key, json: #"{"settings": {"jwks_max_age": 60}}"#)
            #expect(patched.status == .ok)
            #expect((patched.json["settings"] as? [String: Any])?["jwks_max_age"] as? Int == 60)
            #expect((patched.json["settings"] as? [String: Any])?["access_token_ttl"] as? Int == 600)

            #expect(try await client.send(.delete, "/admin/v1/tenants/acme", key: key).status == .noContent)
            #expect(try await client.send(.get, "/admin/v1/tenants/acme", key: key).status == .notFound)
            #expect(try await client.send(.get, "/t/acme/.well-known/jwks.json").status == .notFound)
            #expect(try await client.send(.delete, "/admin/v1/tenants/acme", key: key).status == .notFound)
        }
    }

    @Test("a duplicate id is 409 and the first tenant is unchanged")
    func duplicate() async throws {
        try await TestApp.run { client in
            let again = try await client.send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: #"{"id": "demo", "display_name": "Other"}"#)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "conflict")
            let demo = try await client.send(.get, "/admin/v1/tenants/demo", key: TestApp.operatorKey)
            #expect(demo.json["display_name"] as? String == "Demo tenant")
        }
    }

    @Test("list pages with after/limit and says where the next page starts")
    func paging() async throws {
        try await TestApp.run { client in
            for id in ["p-a", "p-b", "p-c"] { try await client.createTenant(id) }
            var after: String? = nil
            var seen: [String] = []
            repeat {
                let uri = "/admin/v1/tenants?limit=2" + (after.map { "&after=\($0)" } ?? "")
                let page = try await client.send(.get, uri, key: TestApp.operatorKey)
                #expect(page.status == .ok)
                seen += (page.json["tenants"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                after = page.json["next_after"] as? String
            } while after != nil
            #expect(seen == ["demo", "p-a", "p-b", "p-c"])
            for bad in ["limit=0", "limit=201", "limit=ten", "after=NOPE"] {
                let response = try await client.send(.get, "/admin/v1/tenants?\(bad)", key: TestApp.operatorKey)
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test("key listing shows one active and one pending key of the tenant's algorithm, never private parts")
    func keys() async throws {
        try await TestApp.run { client in
            try await client.createTenant("rsa-tenant", settings: #"{"signing_alg": "RS256"}"#)
            let response = try await client.send(.get, "/admin/v1/tenants/rsa-tenant/keys", key: TestApp.operatorKey)
            #expect(response.status == .ok)
            let keys = try #require(response.json["keys"] as? [[String: Any]])
            #expect(keys.compactMap { $0["state"] as? String }.sorted() == ["active", "pending"])
            #expect(keys.allSatisfy { $0["alg"] as? String == "RS256" })
            let text = String(buffer: response.body)
            for privateMember in ["\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "sealed", "private"] {
                #expect(!text.contains(privateMember))
            }
        }
    }

    @Test("without a valid admin key the admin API answers 401 with WWW-Authenticate", arguments: [nil, "", "wrong-key", "Basic abc"])
    func unauthenticated(_ authorization: String?) async throws {
        try await TestApp.run { client in
            var headers: HTTPFields = [:]
            if let authorization { headers[.authorization] = authorization.hasPrefix("Basic") ? authorization : "Bearer \(authorization)" }
            for (method, uri) in [
                (HTTPRequest.Method.get, "/admin/v1/tenants"), (.get, "/admin/v1/tenants/demo"), (.get, "/admin/v1/tenants/demo/keys"),
            ] {
                let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: nil)
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "unauthorized")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
        }
    }

    @Test("a tenant-scoped key manages its own tenant only, and cannot tell other tenants from missing ones")
    func tenantScopedKey() async throws {
        try await TestApp.run { client in
            try await client.createTenant("own")
            try await client.createTenant("other")
            let issued = try await client.send(.post, "/admin/v1/tenants/own/admin-keys", key: TestApp.operatorKey)
            #expect(issued.status == .created)
            #expect(issued.headers[.cacheControl] == "no-store")
            let tenantKey = try #require(issued.json["admin_key"] as? String)

            #expect(try await client.send(.get, "/admin/v1/tenants/own", key: tenantKey).status == .ok)
            #expect(try await client.send(.get, "/admin/v1/tenants/own/keys", key: tenantKey).status == .ok)
            #expect(try await client.send(.patch, "/admin/v1/tenants/own", key: tenantKey, json: #"{"display_name": "Mine"}"#).status == .ok)

            let other = try await client.send(.get, "/admin/v1/tenants/other", key: tenantKey)
            let missing = try await client.send(.get, "/admin/v1/tenants/no-such-tenant", key: tenantKey)
            #expect(other.status == .forbidden)
            #expect(missing.status == .forbidden)
            #expect(other.body == missing.body)
            #expect(try await client.send(.patch, "/admin/v1/tenants/other", key: tenantKey, json: #"{"display_name": "x"}"#).status == .forbidden)
            #expect(try await client.send(.get, "/admin/v1/tenants/other/keys", key: tenantKey).status == .forbidden)
            #expect(try await client.send(.post, "/admin/v1/tenants/other/admin-keys", key: tenantKey).status == .forbidden)

            // Operator-only actions.
            #expect(try await client.send(.get, "/admin/v1/tenants", key: tenantKey).status == .forbidden)
            #expect(try await client.send(.post, "/admin/v1/tenants", key: tenantKey, json: #"{"id": "mine-too"}"#).status == .forbidden)
            #expect(try await client.send(.delete, "/admin/v1/tenants/own", key: tenantKey).status == .forbidden)

            // The other tenant is untouched.
            let otherRead = try await client.send(.get, "/admin/v1/tenants/other", key: TestApp.operatorKey)
            #expect(otherRead.json["display_name"] as? String == "other")
        }
    }

    @Test("deleting a tenant revokes its tenant-scoped admin keys")
    func deleteRevokesKeys() async throws {
        try await TestApp.run { client in
            try await client.createTenant("gone")
            let issued = try await client.send(.post, "/admin/v1/tenants/gone/admin-keys", key: TestApp.operatorKey)
            let tenantKey = try #require(issued.json["admin_key"] as? String)
            #expect(try await client.send(.delete, "/admin/v1/tenants/gone", key: TestApp.operatorKey).status == .noContent)
            try await client.createTenant("gone")
            #expect(try await client.send(.get, "/admin/v1/tenants/gone", key: tenantKey).status == .unauthorized)
        }
    }
}
