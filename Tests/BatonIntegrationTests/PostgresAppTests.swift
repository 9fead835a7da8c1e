import BatonPostgres
import BatonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// The whole service on the real PostgreSQL store, through a live HTTP server.
@Suite("Baton on PostgreSQL")
struct PostgresAppTests {
    func app(url: String, migrate: Bool = true) async throws -> any ApplicationProtocol {
        var configuration = TestApp.configuration(storage: .postgres(url: url))
        configuration.migrateOnStart = migrate
        return try await BatonApplication.build(configuration: configuration, logger: RecordingLogHandler.logger(.init()))
    }

    @Test("tenants, keys and JWKS work end to end; a second instance on the same database serves the same keys")
    func twoInstances() async throws {
        let url = try TestDatabase.url()
        let a = try await app(url: url)
        let b = try await app(url: url)
        let slug = "pg-\(UUID().uuidString.prefix(8).lowercased())"
        let jwksFromA = try await a.test(.live) { client in
            #expect(try await client.send(.get, "/readyz").status == .ok)
            try await client.createTenant(slug, settings: #"{"signing_alg": "EdDSA"}"#)
            let duplicate = try await client.send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: #"{"id": "\#(slug)"}"#)
            #expect(duplicate.status == .conflict)
            let jwks = try await client.send(.get, "/t/\(slug)/.well-known/jwks.json")
            #expect(jwks.status == .ok)
            return String(buffer: jwks.body)
        }
        try await b.test(.live) { client in
            let jwks = try await client.send(.get, "/t/\(slug)/.well-known/jwks.json")
            #expect(String(buffer: jwks.body) == jwksFromA)
            let keys = try await client.send(.get, "/admin/v1/tenants/\(slug)/keys", key: TestApp.operatorKey)
            #expect((keys.json["keys"] as? [[String: Any]])?.count == 2)
            #expect(try await client.send(.delete, "/admin/v1/tenants/\(slug)", key: TestApp.operatorKey).status == .noContent)
        }
    }

    @Test("the smallest pool allowed serves while the change listener and both scheduled jobs hold their connections")
    func smallestPool() async throws {
        try await TestDatabase.withFreshDatabase { url in
            var configuration = TestApp.configuration(storage: .postgres(url: url))
            // With fewer connections (say 2) the instance waits on itself for ever: this test then hangs, it cannot
            // fail faster, because the stuck lease ignores cancellation.
            configuration.databasePoolSize = BatonConfiguration.minimumDatabasePoolSize
            configuration.keySchedulerInterval = 1
            configuration.purgeInterval = 1
            // Time moves when the test says: each round wakes the scheduled jobs (and the probe and the deadline's sweep)
            // right before its requests, so their passes hold their connections while the requests need one.
            let clock = TestClock()
            let application = try await BatonApplication.build(
                configuration: configuration,
                logger: RecordingLogHandler.logger(.init()),
                monotonicClock: clock.erased
            )
            // Asleep between passes: the probe, the deadline's sweep, the change listener's reload and the two jobs.
            let settled = 5
            try await application.test(.live) { client in
                for round in 0..<3 {
                    try await waitUntil("every periodic task waits for its next turn") { clock.sleeperCount == settled }
                    clock.advance(by: .seconds(1))
                    #expect(try await client.send(.get, "/readyz").status == .ok)
                    try await client.createTenant("small-pool-\(round)")
                }
                try await waitUntil("the last passes are done") { clock.sleeperCount == settled }
            }
        }
    }

    @Test("serve --migrate brings an empty database up to date and serves")
    func migrateOnStart() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let application = try await app(url: url, migrate: true)
            try await application.test(.live) { client in
                #expect(try await client.send(.get, "/readyz").status == .ok)
                try await client.createTenant("fresh")
            }
        }
    }
}
