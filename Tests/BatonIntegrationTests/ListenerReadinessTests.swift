import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// An instance whose change listener lost its connection cannot hear of a key or session revocation: `/readyz`
/// fails until it listens again (the reconnect waits on the injected clock, so the test decides when).
@Suite("Readiness follows the change listener")
struct ListenerReadinessTests {
    @Test("ready once listening; the listener's connection killed: not ready; reconnected: ready again")
    func readinessFollowsListener() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let name = try TestDatabase.name(of: url)
            let clock = TestClock()
            var configuration = TestApp.configuration(storage: .postgres(url: url))
            configuration.migrateOnStart = true
            let app = try await BatonApplication.build(
                configuration: configuration,
                logger: RecordingLogHandler.logger(.init()),
                monotonicClock: clock.erased
            )
            try await TestDatabase.withClient { admin in
                try await app.test(.live) { client in
                    // Start-up waited for the listener: ready at once.
                    #expect(try await client.send(.get, "/readyz").status == .ok)
                    let killed = try await admin.query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(String(name)) AND query LIKE 'LISTEN%'"
                    ).collect()
                    #expect(killed.count == 1)
                    try await waitUntil("not ready without the listener", every: .milliseconds(20)) {
                        try await client.send(.get, "/readyz").status == .serviceUnavailable
                    }
                    // Its reconnect waits a second on the test clock: nothing changes until that second passes.
                    _ = await clock.sleeper(within: .seconds(1))
                    #expect(try await client.send(.get, "/readyz").status == .serviceUnavailable)
                    try await waitUntil("ready again once reconnected", every: .milliseconds(20)) {
                        clock.advance(by: .seconds(1))
                        return try await client.send(.get, "/readyz").status == .ok
                    }
                }
            }
        }
    }
}
