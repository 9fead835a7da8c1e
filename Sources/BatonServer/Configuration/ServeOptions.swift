import ArgumentParser

/// The command-line flags of `serve`; each overrides its environment variable. Secrets are read from the environment only.
struct ServeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(Setting.store.help))
    var store: StoreKind?

    @Option(name: .customLong(Setting.databaseURL.flag!), help: ArgumentHelp(Setting.databaseURL.help))
    var databaseURL: String?

    @Option(help: ArgumentHelp(Setting.host.help))
    var host: String?

    @Option(help: ArgumentHelp(Setting.port.help))
    var port: String?

    @Option(name: .customLong(Setting.publicURL.flag!), help: ArgumentHelp(Setting.publicURL.help))
    var publicURL: String?

    @Option(name: .customLong(Setting.logLevel.flag!), help: ArgumentHelp(Setting.logLevel.help))
    var logLevel: String?

    @Option(name: .customLong(Setting.logFormat.flag!), help: ArgumentHelp(Setting.logFormat.help))
    var logFormat: String?

    @Flag(help: ArgumentHelp(Setting.migrate.help))
    var migrate = false
}
