import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// Two Baton applications on one PostgreSQL database agree on keys through LISTEN/NOTIFY: connected directly, and
/// through PgBouncer in transaction mode, where notices come over the listener's direct connection.
@Suite("Key changes across instances", .hangGuard)
struct MultiInstanceKeyTests {
    /// An instance; `reloading: false` puts its periodic cache reload an hour away (past the suite's time limit), so
    /// what it learns comes by notice. Its clock runs: a frozen one would also freeze its start-up's retries (a
    /// listener connection refused once, on a loaded server, would then wait for ever).
    func app(_ backend: BackendApp.Backend, masterKey: Data, reloading: Bool = true) async throws -> any ApplicationProtocol {
        var configuration = try BackendApp.configuration(backend)
        configuration.masterKey = try .init(base64: masterKey.base64EncodedString())
        configuration.migrateOnStart = true
        if !reloading { configuration.cacheReloadInterval = 3_600 }
        return try await BatonApplication.build(configuration: configuration, logger: RecordingLogHandler.logger(.init()))
    }

    /// Waits, within a generous bound, for `condition`, and fails the test if it never holds: B's reload never runs,
    /// so only a notice can make it true.
    func byNotice(_ condition: () async throws -> Bool) async throws {
        try await waitUntil("B learns of the change", every: .milliseconds(50), condition)
    }

    @Test(
        "rotate on A: B signs with the new key and verifies A's tokens; revoke on A: B rejects by notice, with no reload",
        arguments: [BackendApp.Backend.postgres, .pooled]
    )
    func agree(_ backend: BackendApp.Backend) async throws {
        let master = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let a = try await app(backend, masterKey: master)
        let b = try await app(backend, masterKey: master, reloading: false)
        let slug = "mi-\(UUID().uuidString.prefix(8).lowercased())"
        try await a.test(.live) { clientA in
            try await b.test(.live) { clientB in
                try await clientA.createTenant(slug)
                _ = try await clientA.send(
                    .post,
                    "/admin/v1/tenants/\(slug)/clients",
                    key: TestApp.operatorKey,
                    json: #"{"client_id": "app", "name": "a", "type": "public"}"#
                )
                let rs = try await clientA.send(
                    .post,
                    "/admin/v1/tenants/\(slug)/clients",
                    key: TestApp.operatorKey,
                    json: #"{"client_id": "rs-client", "name": "rs", "type": "confidential"}"#
                )
                let basic = "Basic " + Data("rs-client:\(try #require(rs.json["client_secret"] as? String))".utf8).base64EncodedString()
                _ = try await clientA.send(
                    .post,
                    "/admin/v1/tenants/\(slug)/users",
                    key: TestApp.operatorKey,
                    json: #"{"username": "u", "password": "password-1"}"#
                )
                let loginJSON = #"{"client_id": "app", "username": "u", "password": "password-1"}"#
                // Warm B's caches with the old keys.
                let before = try await clientB.send(.post, "/t/\(slug)/login", json: loginJSON)
                #expect(before.status == .ok)

                let rotated = try await clientA.send(
                    .post,
                    "/admin/v1/tenants/\(slug)/keys/rotate",
                    key: TestApp.operatorKey,
                    json: #"{"force": true}"#
                )
                let active = try #require((rotated.json["keys"] as? [[String: Any]])?.first { $0["state"] as? String == "active" }?["kid"] as? String)
                try await byNotice {
                    let login = try await clientB.send(.post, "/t/\(slug)/login", json: loginJSON)
                    return Flows.header(of: login.json["access_token"] as? String ?? "")?["kid"] as? String == active
                }
                let fromA = try #require(try await clientA.send(.post, "/t/\(slug)/login", json: loginJSON).json["access_token"] as? String)
                let introspectB = { (token: String) in
                    try await clientB.send(
                        .post,
                        "/t/\(slug)/oauth/introspect",
                        json: "token=\(token)",
                        contentType: "application/x-www-form-urlencoded",
                        headers: [.authorization: basic]
                    )
                }
                #expect(try await introspectB(fromA).json["active"] as? Bool == true)

                _ = try await clientA.send(.post, "/admin/v1/tenants/\(slug)/keys/\(active)/revoke", key: TestApp.operatorKey)
                try await byNotice { try await introspectB(fromA).json["active"] as? Bool == false }
                // B's JWKS drops the revoked key, and B signs with another.
                let jwks = try await clientB.send(.get, "/t/\(slug)/.well-known/jwks.json")
                #expect(!((jwks.json["keys"] as? [[String: Any]]) ?? []).contains { $0["kid"] as? String == active })
                let afterRevoke = try await clientB.send(.post, "/t/\(slug)/login", json: loginJSON)
                let kidAfter = Flows.header(of: afterRevoke.json["access_token"] as? String ?? "")?["kid"] as? String
                #expect(kidAfter != nil && kidAfter != active)
            }
        }
    }
}
