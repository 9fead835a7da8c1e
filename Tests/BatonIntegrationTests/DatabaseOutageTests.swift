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

@testable import BatonHTTPTestSupport
@testable import BatonServer

@Suite("Database outage over HTTP", .hangGuard)
struct DatabaseOutageTests {
    @Test("with the database silent, a refresh is answered 503 unavailable with Retry-After at once, not after the pool's minute")
    func refreshFailsFast() async throws {
        // Nothing listens on port 1: PostgresNIO's pool would hold each request for about a minute.
        let configuration = try DatabaseURL.configuration(from: "postgres://baton@127.0.0.1:1/baton")
        let logger = Logger(label: "outage-test")
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let availability = DatabaseAvailability()
        let clock = TestClock()
        let probe = DatabaseProbe(
            configuration: configuration,
            availability: availability,
            interval: .milliseconds(100),
            timeout: .milliseconds(500),
            clock: clock.erased,
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { try await probe.run() }
            defer { group.cancelAll() }
            try await clock.advancing(within: .milliseconds(500)) {
                try await waitUntil("the probe finds the database silent") { !availability.isAnswering }
            }

            let app = TestApp.configuration()
            let hasher = Argon2PasswordHasher()
            let services = BatonApplication.makeServices(
                store: PostgresStore(client: client, logger: logger, availability: availability),
                sealer: SecretSealer(current: app.masterKey),
                hasher: hasher,
                dummyHash: try await hasher.hash("dummy-password"),
                configuration: app,
                logger: logger,
                clock: SystemClock()
            ) { true }
            try await BatonApplication.makeApplication(services: services, configuration: app, logger: logger).test(.router) { http in
                // Without fail-fast this waits for the pool's minute, past the suite's time limit.
                let response = try await http.send(
                    .post,
                    "/t/acme/oauth/token",
                    json: "grant_type=refresh_token&client_id=app&refresh_token=brt_x",
                    contentType: "application/x-www-form-urlencoded"
                )
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorCode == "unavailable")
                #expect(response.headers[.retryAfter] != nil)
            }
        }
    }
}
