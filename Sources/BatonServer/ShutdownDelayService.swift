import BatonCore
import Logging
import ServiceLifecycle

/// When shutdown begins, fails readiness at once and keeps serving for `delay` before the server stops accepting
/// requests, so load balancers take the instance out of rotation before any request could meet a closed port.
/// Runs last in the service group, so graceful shutdown reaches it first.
struct ShutdownDelayService: Service {
    let delay: Duration
    /// What the delay is measured on.
    var clock: AnyClock = .continuous
    let shuttingDown: OnceFlag
    let logger: Logger

    func run() async throws {
        // Returns when graceful shutdown begins; throws only on cancellation, which must not wait either.
        try? await gracefulShutdown()
        shuttingDown.set()
        guard delay > .zero else { return }
        logger.info("shutting down: /readyz fails now; still serving until the delay is over", metadata: ["delay": "\(delay)"])
        try? await clock.sleep(for: delay)
    }
}
