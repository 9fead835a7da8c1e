import ArgumentParser

/// The process entry point: runs `BatonCommand`.
///
/// Swift's jobs stay on Swift's own thread pool. NIO's offer to run them on its event loops instead
/// (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`) runs each job as if
/// on a loop's serial executor: every call into a nonisolated async function is then queued again, which cost
/// more than the thread hops it saved (10–15 % fewer refreshes/s, measured side by side), and a lock held across
/// such a hop (swift-async-algorithms' `merge`, under Hummingbird's date cache) left a loop thread waiting for
/// itself, so `serve` hung on SIGTERM.
@main
enum Entrypoint {
    static func main() async {
        await BatonCommand.main(nil)
    }
}
