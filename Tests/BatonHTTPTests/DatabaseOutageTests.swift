import BatonCore
import BatonPasswords
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

@Suite("Database outage over HTTP")
struct DatabaseOutageTests {
    @Test("with the database silent, a refresh is answered 503 unavailable with Retry-After at once, not after the pool's minute")
    func refreshFailsFast() async throws {
        // Nothing listens on port 1: PostgresNIO's pool would hold each request for about a minute.
        let configuration = try DatabaseURL.configuration(from: "postgres://baton@127.0.0.1:1/baton")
        let logger = Logger(label: "outage-test")
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let availability = DatabaseAvailability()
        let probe = DatabaseProbe(
            configuration: configuration, availability: availability, interval: .milliseconds(100), timeout: .milliseconds(500), logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { try await probe.run() }
            defer { group.cancelAll() }
            var silent = false
            for _ in 0..<200 where !silent {
                try await Task.sleep(for: .milliseconds(50))
                silent = !availability.isAnswering
            }
            #expect(silent)

            let app = TestApp.configuration()
            let hasher = Argon2PasswordHasher()
            let services = BatonApplication.makeServices(
                store: PostgresStore(client: client, logger: logger, availability: availability), sealer: SecretSealer(current: app.masterKey),
                hasher: hasher, dummyHash: try await hasher.hash("dummy-password"), configuration: app, logger: logger, clock: SystemClock()
            ) { true }
            try await BatonApplication.makeApplication(services: services, configuration: app, logger: logger).test(.router) { http in
                let start = ContinuousClock.now
                let response = try await http.send(
                    .post, "/t/acme/oauth/token", json: "grant_type=refresh_token&client_id=app&refresh_token=brt_x",
                    contentType: "application/x-www-form-urlencoded"
                )
                let waited = ContinuousClock.now - start
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorCode == "unavailable")
                #expect(response.headers[.retryAfter] != nil)
                #expect(waited < .seconds(2), "answered after \(waited)")
            }
        }
    }
}
