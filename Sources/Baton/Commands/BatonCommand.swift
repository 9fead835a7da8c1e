import ArgumentParser

/// `baton`: the Baton token service.
struct BatonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Baton: a multi-tenant token service with rotating refresh tokens and per-tenant signing keys.",
        subcommands: [ServeCommand.self, MigrateCommand.self, RewrapCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
