import BatonCore
import BatonTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycleTestKit
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// The shutdown delay on a test clock: readiness fails at once, serving goes on for exactly the delay.
@Suite("Shutdown delay", .hangGuard)
struct ShutdownDelayTests {
    @Test("on graceful shutdown readiness fails at once; the service returns only once BATON_SHUTDOWN_DELAY has passed")
    func delay() async throws {
        let clock = TestClock()
        let shuttingDown = OnceFlag()
        let service = ShutdownDelayService(delay: .seconds(2), clock: clock.erased, shuttingDown: shuttingDown, logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            let returned = OnceFlag()
            let running = Task {
                try await service.run()
                returned.set()
            }
            #expect(!shuttingDown.isSet)
            trigger.triggerGracefulShutdown()
            try await shuttingDown.wait()
            try #require(await clock.sleeper() != nil)  // the delay has begun
            clock.advance(by: .milliseconds(1_999))
            #expect(clock.sleeperCount == 1 && !returned.isSet, "returned before the delay was over")
            clock.advance(by: .milliseconds(1))
            try await running.value
            #expect(returned.isSet)
        }
    }

    @Test("once shutdown has begun /readyz fails while every other request is still served")
    func readinessFailsWhileServing() async throws {
        let shuttingDown = OnceFlag()
        let app = try await BatonApplication.build(configuration: TestApp.configuration(), logger: Logger(label: "test"), shuttingDown: shuttingDown)
        try await app.test(.router) { (client: any TestClientProtocol) async throws in
            #expect(try await client.send(.get, "/readyz").status == .ok)
            shuttingDown.set()
            #expect(try await client.send(.get, "/readyz").status == .serviceUnavailable)
            #expect(try await client.send(.get, "/healthz").status == .ok)
            #expect(try await client.send(.get, "/t/demo/.well-known/jwks.json").status == .ok)
        }
    }
}
