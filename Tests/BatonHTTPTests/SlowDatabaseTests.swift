import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

@testable import Baton

/// A database that answers, but too slowly: the statement timeout turns a stuck refresh into a quick 503 that
/// spent nothing.
@Suite("Slow database over HTTP")
struct SlowDatabaseTests {
    @Test("a refresh stuck behind a lock is cut by the statement timeout: 503 unavailable with Retry-After, and the token still works afterwards")
    func statementTimeout() async throws {
        let url = try TestDatabase.url()
        var configuration = TestApp.configuration(storage: .postgres(url: url))
        configuration.databaseStatementTimeout = 300
        let app = try await BatonApplication.build(configuration: configuration, logger: RecordingLogHandler.logger(.init()))
        let slug = "slow-\(UUID().uuidString.prefix(8).lowercased())"
        try await app.test(.live) { client in
            try await client.createTenant(slug)
            let created = try await client.send(
                .post, "/admin/v1/tenants/\(slug)/clients", key: TestApp.operatorKey,
                json: #"{"client_id": "app", "name": "App", "type": "public", "grant_types": ["refresh_token"]}"#
            )
            #expect(created.status == .created)
            let user = try await client.send(.post, "/admin/v1/tenants/\(slug)/users", key: TestApp.operatorKey, json: #"{"username": "ada", "password": "ada-password-1"}"#)
            #expect(user.status == .created)
            let login = try await client.send(.post, "/t/\(slug)/login", json: #"{"client_id": "app", "username": "ada", "password": "ada-password-1"}"#)
            let refreshToken = try #require(login.json["refresh_token"] as? String)
            let refresh = "grant_type=refresh_token&client_id=app&refresh_token=\(refreshToken)"

            // Another database session holds the tenant's session rows for 1.5 s, as a stuck writer would.
            try await TestDatabase.withClient(url: url) { locker in
                async let held: Void = locker.withTransaction(logger: Logger(label: "locker")) { connection in
                    try await connection.query(
                        "SELECT 1 FROM sessions WHERE tenant_id = (SELECT tenant_id FROM tenants WHERE slug = \(slug)) FOR UPDATE", logger: Logger(label: "locker")
                    )
                    try await Task.sleep(for: .milliseconds(1_500))
                }
                try await Task.sleep(for: .milliseconds(300))  // the lock is taken
                let start = ContinuousClock.now
                let stuck = try await client.send(.post, "/t/\(slug)/oauth/token", json: refresh, contentType: "application/x-www-form-urlencoded")
                let waited = ContinuousClock.now - start
                #expect(stuck.status == .serviceUnavailable)
                #expect(stuck.errorCode == "unavailable")
                #expect(stuck.headers[.retryAfter] != nil)
                #expect(waited < .milliseconds(1_100), "answered after \(waited), with the lock still held")
                try await held
            }

            let after = try await client.send(.post, "/t/\(slug)/oauth/token", json: refresh, contentType: "application/x-www-form-urlencoded")
            #expect(after.status == .ok, "the cancelled rotation spent the token: \(String(buffer: after.body))")
            #expect(try await client.send(.delete, "/admin/v1/tenants/\(slug)", key: TestApp.operatorKey).status == .noContent)
        }
    }
}
