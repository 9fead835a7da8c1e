import BatonCore
import Logging
import ServiceLifecycle

/// Runs one scheduled job (key rotation, purge) every `interval` until graceful shutdown; a failed pass is
/// logged and retried next time.
struct ScheduledJobService: Service {
    /// Names the job in logs.
    let name: String
    let interval: Duration
    /// What the interval is measured on.
    let clock: AnyClock
    /// Scheduled work waits for start-up (schema check) to finish.
    let started: OnceFlag
    let logger: Logger
    /// One pass of the job.
    let pass: @Sendable () async throws -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            do { try await started.wait() } catch { return }
            while !Task.isCancelled {
                do {
                    try await pass()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("scheduled pass failed; retrying next interval", metadata: ["job": "\(name)", "error_type": "\(type(of: error))"])
                }
                do { try await clock.sleep(for: interval) } catch { return }
            }
        }
    }
}
