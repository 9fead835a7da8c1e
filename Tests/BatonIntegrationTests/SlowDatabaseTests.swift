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

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// A database that answers, but too slowly: the statement timeout turns a stuck refresh into a quick 503 that
/// spent nothing, and the operation deadline answers even when no statement timeout does.
@Suite("Slow database over HTTP", .hangGuard)
struct SlowDatabaseTests {
    /// A tenant with a public client and a user on the test database, and the form body of a refresh of a new login.
    static func refreshOfNewLogin(_ client: some TestClientProtocol, slug: String) async throws -> String {
        try await client.createTenant(slug)
        let created = try await client.send(
            .post,
            "/admin/v1/tenants/\(slug)/clients",
            key: TestApp.operatorKey,
            json: #"{"client_id": "app", "name": "App", "type": "public", "grant_types": ["refresh_token"]}"#
        )
        #expect(created.status == .created)
        let user = try await client.send(
            .post,
            "/admin/v1/tenants/\(slug)/users",
            key: TestApp.operatorKey,
            json: #"{"username": "ada", "password": "ada-password-1"}"#
        )
        #expect(user.status == .created)
        let login = try await client.send(.post, "/t/\(slug)/login", json: #"{"client_id": "app", "username": "ada", "password": "ada-password-1"}"#)
        let refreshToken = try #require(login.json["refresh_token"] as? String, "login answered \(login.status): \(String(buffer: login.body))")
        return "grant_type=refresh_token&client_id=app&refresh_token=\(refreshToken)"
    }

    /// Runs `body` while another database session holds the tenant's session rows, as a stuck writer would; the lock
    /// goes only once `body` is done, so whatever `body` was answered came while it was held.
    static func whileSessionsLocked(url: String, slug: String, _ body: @Sendable () async throws -> Void) async throws {
        try await TestDatabase.withClient(url: url) { locker in
            let locked = OnceFlag()
            let release = OnceFlag()
            async let held: Void = locker.withTransaction(logger: Logger(label: "locker")) { connection in
                try await connection.query(
                    "SELECT 1 FROM sessions WHERE tenant_id = (SELECT tenant_id FROM tenants WHERE slug = \(slug)) FOR UPDATE",
                    logger: Logger(label: "locker")
                )
                locked.set()
                try await release.wait()
            }
            try await locked.wait()
            do {
                try await body()
            } catch {
                release.set()
                try? await held
                throw error
            }
            release.set()
            try await held
        }
    }

    /// Sends the refresh stuck behind the lock: 503 `unavailable` with Retry-After, while the lock is still held.
    static func expectUnavailable(_ client: some TestClientProtocol, slug: String, refresh: String) async throws {
        let stuck = try await client.send(.post, "/t/\(slug)/oauth/token", json: refresh, contentType: "application/x-www-form-urlencoded")
        #expect(stuck.status == .serviceUnavailable)
        #expect(stuck.errorCode == "unavailable")
        #expect(stuck.headers[.retryAfter] != nil)
    }

    /// Builds the app with `configure`d database limits, sends a refresh that gets stuck behind a row lock held until
    /// it is answered and expects 503, then runs `afterwards` with the refresh body; the tenant is deleted last.
    static func refreshStuckBehindLock(
        _ configure: (inout BatonConfiguration) -> Void,
        afterwards: @Sendable (_ client: any TestClientProtocol, _ slug: String, _ refresh: String) async throws -> Void
    ) async throws {
        let url = try TestDatabase.url()
        let slug = "slow-\(UUID().uuidString.prefix(8).lowercased())"
        // Set up by an instance with the default limits: the short ones under test are for the stuck refresh, and
        // could cut the set-up's own operations on a loaded machine.
        let defaults = TestApp.configuration(storage: .postgres(url: url))
        let setUp = try await BatonApplication.build(configuration: defaults, logger: RecordingLogHandler.logger(.init()))
        let refresh = try await setUp.test(.live) { client in try await Self.refreshOfNewLogin(client, slug: slug) }
        var configuration = defaults
        configure(&configuration)
        let app = try await BatonApplication.build(configuration: configuration, logger: RecordingLogHandler.logger(.init()))
        try await app.test(.live) { client in
            try await Self.whileSessionsLocked(url: url, slug: slug) {
                try await Self.expectUnavailable(client, slug: slug, refresh: refresh)
            }
            try await afterwards(client, slug, refresh)
            #expect(try await client.send(.delete, "/admin/v1/tenants/\(slug)", key: TestApp.operatorKey).status == .noContent)
        }
    }

    @Test("a refresh stuck behind a lock is cut by the statement timeout: 503 unavailable with Retry-After, and the token still works afterwards")
    func statementTimeout() async throws {
        try await Self.refreshStuckBehindLock(
            { $0.databaseStatementTimeout = 300 },
            afterwards: { client, slug, refresh in
                let after = try await client.send(.post, "/t/\(slug)/oauth/token", json: refresh, contentType: "application/x-www-form-urlencoded")
                #expect(after.status == .ok, "the cancelled rotation spent the token: \(String(buffer: after.body))")
            }
        )
    }

    @Test(
        "with no statement timeout, the operation deadline answers 503 and counts the abandoned operation; a retry of the same token then succeeds",
        arguments: [(0, "rotate(_:)"), (2, "rotateBatch")]  // BATON_ROTATION_BATCHES, and the operation abandoned
    )
    func operationDeadline(rotationBatches: Int, abandoned: String) async throws {
        try await Self.refreshStuckBehindLock(
            {
                $0.databaseStatementTimeout = 0
                $0.databaseOperationTimeout = 1_000
                $0.rotationBatches = rotationBatches
            },
            afterwards: { client, slug, refresh in
                let metrics = String(buffer: try await client.send(.get, "/metrics").body)
                #expect(metrics.contains(#"baton_database_operations_abandoned_total{operation="\#(abandoned)"} 1"#), "\(metrics)")
                // The abandoned rotation ran once the lock went: unanswered but committed, as a lost response would be.
                // Within the tenant's grace window the same token gets its successor, as any retry would.
                let retried = try await client.send(.post, "/t/\(slug)/oauth/token", json: refresh, contentType: "application/x-www-form-urlencoded")
                #expect(retried.status == .ok, "\(String(buffer: retried.body))")
            }
        )
    }
}
