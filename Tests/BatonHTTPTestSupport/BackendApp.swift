import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonServer

/// An app on the memory store or on the test database (directly, or through PgBouncer in transaction mode), with a
/// tenant of its own, for tests run on each.
enum BackendApp {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, postgres, pooled
        var testDescription: String { rawValue }
    }

    /// `backend`'s configuration: behind the pooler, `BATON_DATABASE_POOLING=transaction` with the listener on a direct
    /// connection, as deploy/README.md says.
    static func configuration(_ backend: Backend) throws -> BatonConfiguration {
        switch backend {
        case .memory:
            return TestApp.configuration()
        case .postgres:
            return TestApp.configuration(storage: .postgres(url: try TestDatabase.url()))
        case .pooled:
            var configuration = TestApp.configuration(storage: .postgres(url: try TestDatabase.pooledURL()))
            configuration.databasePooling = .transaction
            configuration.databaseListenURL = try TestDatabase.url()
            return configuration
        }
    }

    /// A tenant of its own with a public client `app` (scope `profile`), a confidential client `rs1`, and user `alice`.
    struct Fixture: Sendable {
        let tenant: String
        let rsBasic: String
        static let password = "correct horse battery staple"
    }

    static func withApp(_ backend: Backend, _ body: @Sendable (any TestClientProtocol, Fixture) async throws -> Void) async throws {
        var configuration = try configuration(backend)
        // Dozens of these apps run at once: a small pool keeps them all within the test server's connections. Two,
        // not one: with one, a request waits behind every query of the app's own scheduled passes, which walk every
        // tenant of the shared test database (thousands by the end of the suite) and could outlast its deadline.
        configuration.databasePoolSize = 2
        try await TestApp.run(configuration: configuration) { client in
            let tenant = try await client.createTenant(settings: #"{"allow_signup": true}"#)
            let admin = "/admin/v1/tenants/\(tenant)"
            let app = try await client.send(
                .post,
                "\(admin)/clients",
                key: TestApp.operatorKey,
                json: #"{"client_id": "app", "name": "App", "type": "public", "scopes": ["profile"]}"#
            )
            #expect(app.status == .created, "\(String(buffer: app.body))")
            let rs = try await client.send(
                .post,
                "\(admin)/clients",
                key: TestApp.operatorKey,
                json: #"{"client_id": "rs1", "name": "RS", "type": "confidential"}"#
            )
            let secret = try #require(rs.json["client_secret"] as? String, "\(String(buffer: rs.body))")
            let user = try await client.send(
                .post,
                "\(admin)/users",
                key: TestApp.operatorKey,
                json: #"{"username": "alice", "password": "\#(Fixture.password)"}"#
            )
            #expect(user.status == .created)
            try await body(client, Fixture(tenant: tenant, rsBasic: "Basic " + Data("rs1:\(secret)".utf8).base64EncodedString()))
        }
    }
}
