import ArgumentParser

/// The command-line flags of `serve`; each overrides its environment variable. Secrets are read from the environment only.
struct ServeOptions: ParsableArguments {
    @Option(help: "memory or postgres (default: postgres when BATON_DATABASE_URL is set, else memory)")
    var store: StoreKind?

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (env BATON_DATABASE_URL)")
    var databaseURL: String?

    @Option(help: "Listen address (env BATON_HOST, default 127.0.0.1)")
    var host: String?

    @Option(help: "Listen port (env BATON_PORT, default 8080)")
    var port: String?

    @Option(name: .customLong("public-url"), help: "Issuer base URL (env BATON_PUBLIC_URL)")
    var publicURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env BATON_LOG_LEVEL)")
    var logLevel: String?

    @Flag(help: "Apply pending database migrations before serving")
    var migrate = false
}
