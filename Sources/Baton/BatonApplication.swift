import BatonCore
import BatonHTTP
import BatonPostgres
import Hummingbird
import Logging
import PostgresNIO

/// The one wiring function: `serve` and the tests build the same application from a configuration.
enum BatonApplication {
    /// The demo tenant memory mode starts with.
    static let demoTenant = "demo"

    static func build(configuration: BatonConfiguration, logger: Logger, clock: any BatonClock = SystemClock()) async throws -> any ApplicationProtocol {
        let sealer = SecretSealer(current: configuration.masterKey)
        switch configuration.storage {
        case .memory:
            logger.warning("store is MEMORY: every tenant, key and token is lost when this process exits")
            let store = MemoryStore()
            let services = makeServices(store: store, sealer: sealer, configuration: configuration, logger: logger, clock: clock) { true }
            _ = try await services.tenants.create(slug: demoTenant, displayName: "Demo tenant", settings: .init())
            return try makeApplication(services: services, configuration: configuration, logger: logger)

        case .postgres(let url):
            let client = PostgresClient(configuration: try DatabaseURL.configuration(from: url), backgroundLogger: logger)
            let store = PostgresStore(client: client, logger: logger)
            let startupDone = ReadinessFlag()
            let services = makeServices(store: store, sealer: sealer, configuration: configuration, logger: logger, clock: clock) {
                guard startupDone.isSet else { return false }
                return (try? await store.checkReachable()) != nil
            }
            var application = try makeApplication(services: services, configuration: configuration, logger: logger)
            application.addServices(client)
            let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
            let migrateOnStart = configuration.migrateOnStart
            application.beforeServerStarts {
                if migrateOnStart { try await migrator.migrate() }
                try await migrator.verifyCurrent()
                startupDone.set()
            }
            return application
        }
    }

    static func makeServices<Store: BatonStore>(
        store: Store, sealer: SecretSealer, configuration: BatonConfiguration, logger: Logger, clock: any BatonClock,
        isReady: @escaping @Sendable () async -> Bool
    ) -> BatonServices<Store> {
        let jwksCache = JWKSCache()
        return BatonServices(
            tenants: TenantService(store: store, keyFactory: SigningKeyFactory(sealer: sealer), jwksCache: jwksCache, clock: clock, logger: logger),
            keys: KeyService(store: store, jwksCache: jwksCache),
            adminAuthenticator: AdminAuthenticator(store: store, bootstrapKey: configuration.adminKey, clock: clock, logger: logger),
            publicURL: configuration.publicURL,
            isReady: isReady
        )
    }

    static func makeApplication<Store: BatonStore>(
        services: BatonServices<Store>, configuration: BatonConfiguration, logger: Logger
    ) throws -> Application<RouterResponder<BatonRequestContext>> {
        let router = BatonRouter.build(services: services, openAPIDocument: try OpenAPIDocument.bundled())
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            logger: logger
        )
    }
}
