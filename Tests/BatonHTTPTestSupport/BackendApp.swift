import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonServer

/// An app on the memory store or on the test database, with a tenant of its own, for tests run on both.
enum BackendApp {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, postgres
        var testDescription: String { rawValue }
    }

    /// A tenant of its own with a public client `app` (scope `profile`), a confidential client `rs1`, and user `alice`.
    struct Fixture: Sendable {
        let tenant: String
        let rsBasic: String
        static let password = "correct horse battery staple"
    }

    static func withApp(_ backend: Backend, _ body: @Sendable (any TestClientProtocol, Fixture) async throws -> Void) async throws {
        var configuration = backend == .memory ? TestApp.configuration() : TestApp.configuration(storage: .postgres(url: try TestDatabase.url()))
        // Dozens of these apps run at once: the smallest pool keeps them all within the test server's connections.
        configuration.databasePoolSize = BatonConfiguration.minimumDatabasePoolSize
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
