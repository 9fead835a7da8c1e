import BatonCore
import BatonHTTP
import BatonPasswords
import BatonPostgres
import Hummingbird
import Logging
import NIOPosix
import PostgresNIO
import ServiceLifecycle

/// The one wiring function: `serve` and the tests build the same application from a configuration.
enum BatonApplication {
    /// The demo tenant memory mode starts with.
    static let demoTenant = "demo"

    /// The demo tenant's public client in memory mode.
    static let demoClient = "demo-app"
    static let demoUser = "demo"

    /// `shuttingDown`: once set, `/readyz` fails (see `ShutdownDelayService`). `clock` is the wall clock tokens and
    /// sessions are dated by; `monotonicClock` is what every timeout, deadline, probe, retry and schedule waits on.
    static func build(
        configuration: BatonConfiguration,
        logger: Logger,
        clock: any BatonClock = SystemClock(),
        monotonicClock: AnyClock = .continuous,
        shuttingDown: OnceFlag = OnceFlag()
    ) async throws -> any ApplicationProtocol {
        let sealer = SecretSealer(current: configuration.masterKey, previous: configuration.previousMasterKeys)
        let hasher = Argon2PasswordHasher()
        let dummyHash = try await hasher.hash(RandomSecret.token(prefix: "dummy"))
        switch configuration.storage {
        case .memory:
            logger.warning("store is MEMORY: every tenant, key and token is lost when this process exits")
            let store = MemoryStore()
            let services = makeServices(
                store: store,
                sealer: sealer,
                hasher: hasher,
                dummyHash: dummyHash,
                configuration: configuration,
                logger: logger,
                clock: clock
            ) { !shuttingDown.isSet }
            let demo = try await services.tenants.create(slug: demoTenant, displayName: "Demo tenant", settings: .init())
            _ = try await services.clients.create(
                tenant: demo,
                clientID: demoClient,
                name: "Demo app",
                kind: .public,
                grantTypes: ["refresh_token"],
                scopes: ["profile"],
                audiences: [],
                actor: "bootstrap"
            )
            if let password = configuration.demoPassword {
                _ = try await services.users.create(tenant: demo, username: demoUser, password: password, actor: "bootstrap")
            }
            var application = try makeApplication(services: services, configuration: configuration, logger: logger)
            application.addServices(
                scheduledJobs(
                    store: store,
                    services: services,
                    configuration: configuration,
                    logger: logger,
                    clock: clock,
                    monotonicClock: monotonicClock,
                    started: OnceFlag(isSet: true)
                )
            )
            return application

        case .postgres(let url):
            var clientConfiguration = try DatabaseURL.configuration(from: url)
            clientConfiguration.options.maximumConnections = configuration.databasePoolSize
            // No standing minimum: PostgresNIO 1.33's pool traps (a precondition, in release builds too) when a lease
            // finds fewer live connections than its minimum, which is what a database restart leaves behind.
            // Connections open on demand and stay while used (closed after 60 s idle).
            clientConfiguration.options.minimumConnections = 0
            // No keep-alive pings: an idle connection is closed after 60 s anyway, so the ping (at 30 s idle) buys
            // little, while its timer is set up on every release and torn down on every lease, the refresh path's
            // too (its cost is in docs/benchmarks.md). The probe watches the database.
            clientConfiguration.options.keepAliveBehavior = nil
            let pooling = configuration.databasePooling
            let statementTimeout = configuration.databaseStatementTimeout
            if statementTimeout > 0, pooling == .direct {
                // A startup parameter: every connection of the pool (and the probe's) has it from the first statement.
                // A transaction-mode pooler refuses it; there the role's setting must say the same (checked below).
                clientConfiguration.options.additionalStartupParameters.append(("statement_timeout", "\(statementTimeout)"))
            }
            // Everything that can throw comes first, before any service exists.
            let listenURL = configuration.databaseListenURL ?? url
            let (listenerConfiguration, listenDestination) = try DatabaseURL.connectionConfiguration(from: listenURL)
            let migrations = try Migration.bundled()
            let patience = Duration.seconds(configuration.databaseStartupWait)
            let reachability = try DatabaseReachability(
                url: url,
                startupParameters: clientConfiguration.options.additionalStartupParameters,
                patience: patience,
                clock: monotonicClock,
                logger: logger
            )
            var listenReachability: DatabaseReachability?
            if let separateListenURL = configuration.databaseListenURL {
                listenReachability = try DatabaseReachability(url: separateListenURL, patience: patience, clock: monotonicClock, logger: logger)
            }
            let client = PostgresClient(
                configuration: clientConfiguration,
                eventLoopGroup: RoundRobinEventLoopGroup(MultiThreadedEventLoopGroup.singleton),
                backgroundLogger: logger
            )
            let availability = DatabaseAvailability()
            let admission = DatabaseAdmission(limit: configuration.databasePoolSize + configuration.databaseQueueLimit)
            let metrics = BatonMetrics()
            let deadline =
                configuration.databaseOperationTimeout > 0
                ? DatabaseDeadline(timeout: .milliseconds(configuration.databaseOperationTimeout), clock: monotonicClock, logger: logger) {
                    metrics.databaseOperationAbandoned($0)
                }
                : nil
            let store = PostgresStore(
                client: client,
                logger: logger,
                availability: availability,
                admission: admission,
                deadline: deadline,
                rotationBatches: configuration.rotationBatches,
                pooling: pooling
            )
            let listening = ChangeListener.State()
            let startupDone = OnceFlag()
            let services = makeServices(
                store: store,
                sealer: sealer,
                hasher: hasher,
                dummyHash: dummyHash,
                configuration: configuration,
                logger: logger,
                clock: clock,
                metrics: metrics
            ) {
                // An instance that cannot hear of a key revocation must not be sent requests.
                guard startupDone.isSet, !shuttingDown.isSet, listening.isListening else { return false }
                return (try? await store.checkReachable()) != nil
            }
            var application = try makeApplication(services: services, configuration: configuration, logger: logger)
            // Requests already waiting on a database found silent get their 503 at once, not at their deadline.
            application.addServices(
                client,
                DatabaseProbe(
                    configuration: clientConfiguration,
                    availability: availability,
                    timeout: .milliseconds(configuration.databaseProbeTimeout),
                    clock: monotonicClock,
                    logger: logger
                ) {
                    deadline?.abandonAll()
                }
            )
            // Before the HTTP server (which the application adds last): services stop in reverse order, so the
            // deadline keeps answering lost operations while the server drains.
            if let deadline { application.addServices(deadline) }
            let caches = services.cacheCoordinator
            application.addServices(
                ChangeListener(
                    configuration: listenerConfiguration,
                    state: listening,
                    reloadInterval: .seconds(configuration.cacheReloadInterval),
                    clock: monotonicClock,
                    logger: logger,
                    started: startupDone,
                    onNotice: { await caches.apply($0) },
                    onReload: { await caches.reloadAll() }
                )
            )
            application.addServices(
                scheduledJobs(
                    store: store,
                    services: services,
                    configuration: configuration,
                    logger: logger,
                    clock: clock,
                    monotonicClock: monotonicClock,
                    started: startupDone
                )
            )
            let migrator = Migrator(client: client, migrations: migrations, logger: logger)
            let migrateOnStart = configuration.migrateOnStart
            let listenCheck = listenReachability
            application.beforeServerStarts {
                // A signal ends start-up wherever it is: waiting for the database, the pool or a migration.
                try await cancelWhenGracefulShutdown {
                    try await reachability.waitUntilAnswering()
                    try await listenCheck?.waitUntilAnswering()
                    try await PoolStartupCheck(
                        store: store,
                        destination: reachability.destination,
                        pooling: pooling,
                        statementTimeout: statementTimeout,
                        patience: patience,
                        clock: monotonicClock
                    ).run()
                    if migrateOnStart { try await migrator.migrate() }
                    try await migrator.verifyCurrent()
                    startupDone.set()
                    try await listening.waitUntilListening(within: max(patience, .seconds(5)), on: monotonicClock, destination: listenDestination)
                }
            }
            return application
        }
    }

    /// The key scheduler and the purge, each a service on its own interval.
    static func scheduledJobs<Store: BatonStore>(
        store: Store,
        services: BatonServices<Store>,
        configuration: BatonConfiguration,
        logger: Logger,
        clock: any BatonClock,
        monotonicClock: AnyClock,
        started: OnceFlag
    ) -> [any Service] {
        let scheduler = KeyScheduler(store: store, rotation: services.keyRotation, clock: clock, logger: logger)
        let purger = Purger(store: store, policy: configuration.retention, loginFailureWindow: LoginThrottle<Store>.Policy().window, clock: clock)
        return [
            ScheduledJobService(
                name: "key rotation",
                interval: .seconds(configuration.keySchedulerInterval),
                clock: monotonicClock,
                started: started,
                logger: logger
            ) {
                if let rotated = try await scheduler.runOnce(), !rotated.isEmpty {
                    logger.info("scheduled rotation done", metadata: ["tenants": "\(rotated.map(\.value).joined(separator: ","))"])
                }
            },
            ScheduledJobService(
                name: "purge",
                interval: .seconds(configuration.purgeInterval),
                clock: monotonicClock,
                started: started,
                logger: logger
            ) {
                if let report = try await purger.runOnce(), report.total > 0 {
                    logger.info(
                        "purge done",
                        metadata: [
                            "sessions": "\(report.sessions)", "audit_events": "\(report.auditEvents)", "login_failures": "\(report.loginFailures)",
                        ]
                    )
                }
            },
        ]
    }

    static func makeServices<Store: BatonStore>(
        store: Store,
        sealer: SecretSealer,
        hasher: any PasswordHasher,
        dummyHash: String,
        configuration: BatonConfiguration,
        logger: Logger,
        clock: any BatonClock,
        metrics: BatonMetrics = BatonMetrics(),
        isReady: @escaping @Sendable () async -> Bool
    ) -> BatonServices<Store> {
        let jwksCache = JWKSCache()
        let audit = AuditLog(store: store, clock: clock, logger: logger)
        let clients = ClientService(store: store, audit: audit, clock: clock, logger: logger)
        let users = UserService(store: store, hasher: hasher, dummyHash: dummyHash, audit: audit, clock: clock, logger: logger)
        let chains = ChainKeyRing(sealer: sealer)
        let signingKeys = SigningKeyRing(sealer: sealer)
        let issuer = AccessTokenIssuer(signingKeys: signingKeys, publicURL: configuration.publicURL, clock: clock)
        let dpop = DPoPVerifier(
            store: store,
            nonces: DPoPNonces(masterKey: configuration.masterKey),
            publicURL: configuration.publicURL,
            clock: clock
        )
        let refreshTokens = RefreshTokenGrant(
            store: store,
            clients: clients,
            issuer: issuer,
            dpop: dpop,
            chains: chains,
            audit: audit,
            metrics: metrics,
            clock: clock,
            logger: logger
        )
        let passwordLogin = PasswordLogin(
            store: store,
            clients: clients,
            users: users,
            refreshTokens: refreshTokens,
            issuer: issuer,
            throttle: LoginThrottle(store: store, clock: clock),
            audit: audit,
            metrics: metrics,
            logger: logger
        )
        let sessions = SessionService(
            store: store,
            signingKeys: signingKeys,
            chains: chains,
            audit: audit,
            dpop: dpop,
            publicURL: configuration.publicURL,
            clock: clock,
            logger: logger
        )
        let keyFactory = SigningKeyFactory(sealer: sealer)
        let tenants = TenantService(store: store, keyFactory: keyFactory, jwksCache: jwksCache, clock: clock, logger: logger)
        let keyRotation = KeyRotationService(
            store: store,
            keyFactory: keyFactory,
            tenants: tenants,
            jwksCache: jwksCache,
            signingKeys: signingKeys,
            audit: audit,
            metrics: metrics,
            clock: clock,
            logger: logger
        )
        return BatonServices(
            tenants: tenants,
            keys: KeyService(store: store, jwksCache: jwksCache),
            adminAuthenticator: AdminAuthenticator(store: store, bootstrapKey: configuration.adminKey, audit: audit, clock: clock, logger: logger),
            clients: clients,
            users: users,
            signup: SignupService(users: users, store: store, clock: clock, logger: logger),
            passwordLogin: passwordLogin,
            refreshTokens: refreshTokens,
            clientCredentials: ClientCredentialsGrant(store: store, clients: clients, issuer: issuer, dpop: dpop),
            sessions: sessions,
            audit: audit,
            metrics: metrics,
            keyRotation: keyRotation,
            cacheCoordinator: CacheCoordinator(tenants: tenants, clients: clients, jwksCache: jwksCache, signingKeys: signingKeys),
            publicURL: configuration.publicURL,
            isReady: isReady
        )
    }

    static func makeApplication<Store: BatonStore>(
        services: BatonServices<Store>,
        configuration: BatonConfiguration,
        logger: Logger
    ) throws -> Application<RouterResponder<BatonRequestContext>> {
        let router = BatonRouter.build(services: services, openAPIDocument: try OpenAPIDocument.bundled())
        return Application(
            router: router,
            server: RequestReadDeadline(head: .seconds(Int64(configuration.httpHeadTimeout)), body: .seconds(Int64(configuration.httpBodyTimeout)))
                .http1(idleTimeout: .seconds(Int64(configuration.httpIdleTimeout))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            logger: logger
        )
    }
}
