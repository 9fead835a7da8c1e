import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

/// Tenant admin keys on both stores: listed without secrets, revoked at once, audited.
@Suite("Tenant admin keys")
struct AdminKeyLifecycleTests {
    @Test(
        "a tenant's admin keys are listed without their secrets and revoked at once, audited; a tenant key may revoke but not issue keys",
        arguments: BackendApp.Backend.allCases
    )
    func tenantKeyLifecycle(_ backend: BackendApp.Backend) async throws {
        try await BackendApp.withApp(backend) { client, fixture in
            let path = "/admin/v1/tenants/\(fixture.tenant)/admin-keys"
            let first = try #require(try await client.send(.post, path, key: TestApp.operatorKey).json["admin_key"] as? String)
            let second = try await client.send(.post, path, key: TestApp.operatorKey)
            let secondKey = try #require(second.json["admin_key"] as? String)
            let secondID = try #require(second.json["id"] as? String)

            // A tenant key may list its tenant's keys, and sees no secret.
            let list = try await client.send(.get, path, key: first)
            #expect(list.status == .ok)
            #expect(list.headers[.cacheControl] == "no-store")
            let ids = (list.json["admin_keys"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.count == 2 && ids.contains(secondID))
            #expect(!String(buffer: list.body).contains("baton_adm_"))

            // It may not mint another (a thief could keep access past its revocation): 403, audited, nothing issued.
            let minted = try await client.send(.post, path, key: first)
            #expect(minted.status == .forbidden)
            let audit = try await client.send(
                .get,
                "/admin/v1/tenants/\(fixture.tenant)/audit-events?type=admin_key.authentication_failed",
                key: TestApp.operatorKey
            )
            #expect((audit.json["events"] as? [[String: Any]])?.count == 1)
            #expect(((try await client.send(.get, path, key: TestApp.operatorKey)).json["admin_keys"] as? [[String: Any]])?.count == 2)

            // Revoked by another tenant key: it stops working at once; the revocation is audited.
            #expect(try await client.send(.delete, "\(path)/\(secondID)", key: first).status == .noContent)
            #expect(try await client.send(.get, "/admin/v1/tenants/\(fixture.tenant)", key: secondKey).status == .unauthorized)
            #expect(try await client.send(.delete, "\(path)/\(secondID)", key: first).status == .notFound)
            #expect(try await client.send(.delete, "\(path)/not-a-uuid", key: first).status == .notFound)
            let revoked = try await client.send(
                .get,
                "/admin/v1/tenants/\(fixture.tenant)/audit-events?type=admin_key.revoked",
                key: TestApp.operatorKey
            )
            #expect((revoked.json["events"] as? [[String: Any]])?.count == 1)
            // Another tenant's key cannot see or revoke this tenant's keys.
            let other = try await client.createTenant()
            let otherKey = try #require(
                try await client.send(.post, "/admin/v1/tenants/\(other)/admin-keys", key: TestApp.operatorKey).json["admin_key"] as? String
            )
            let firstID = try #require(ids.first { $0 != secondID })
            #expect(try await client.send(.get, path, key: otherKey).status == .forbidden)
            #expect(try await client.send(.delete, "\(path)/\(firstID)", key: otherKey).status == .forbidden)
            #expect(try await client.send(.delete, "/admin/v1/tenants/\(other)/admin-keys/\(firstID)", key: otherKey).status == .notFound)
            #expect(try await client.send(.get, "/admin/v1/tenants/\(fixture.tenant)", key: first).status == .ok)
        }
    }
}
