import BatonCore
import Logging
import ServiceLifecycle

/// Runs `KeyScheduler` every `interval` until graceful shutdown; a failed pass is logged and retried next time.
struct KeySchedulerService<Store: BatonStore>: Service {
    let scheduler: KeyScheduler<Store>
    let interval: Duration
    /// Scheduled work waits for start-up (schema check) to finish.
    let isStarted: @Sendable () -> Bool
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !isStarted() {
                do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
            }
            while !Task.isCancelled {
                do {
                    if let rotated = try await scheduler.runOnce(), !rotated.isEmpty {
                        logger.info("scheduled rotation done", metadata: ["tenants": "\(rotated.map(\.value).joined(separator: ","))"])
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("scheduled key pass failed; retrying next interval", metadata: ["error_type": "\(type(of: error))"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
