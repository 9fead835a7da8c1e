import ArgumentParser

/// `baton`: the Baton token service.
///
/// Swift's jobs stay on Swift's own thread pool. NIO's offer to run them on its event loops instead
/// (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`) runs each job as if
/// on a loop's serial executor: every call into a nonisolated async function is then queued again, which cost
/// more than the thread hops it saved (see docs/benchmarks.md), and a lock held across
/// such a hop (swift-async-algorithms' `merge`, under Hummingbird's date cache) left a loop thread waiting for
/// itself, so `serve` hung on SIGTERM.
public struct BatonCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Baton: a multi-tenant token service with rotating refresh tokens and per-tenant signing keys.",
        subcommands: [ServeCommand.self, MigrateCommand.self, RewrapCommand.self, HealthcheckCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}

    /// Parses the process's arguments and runs the chosen command, as `AsyncParsableCommand.main()` does; named
    /// apart so that no caller can pick the synchronous `ParsableCommand.main()`, which never runs an async `run()`.
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
