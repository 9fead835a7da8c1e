import BatonCore
import BatonTestSupport
import Foundation
import Logging
import Testing

/// Another instance's change reaches this one as a notice: the cached copy must go, not wait out its lifetime.
@Suite("Cache coordinator")
struct CacheCoordinatorTests {
    struct Fixture {
        let store = MemoryStore()
        let clock = ManualClock()
        let tenants: TenantService<MemoryStore>
        let clients: ClientService<MemoryStore>
        let coordinator: CacheCoordinator<MemoryStore>

        init() {
            let sealer = SecretSealer(current: .generate())
            let jwksCache = JWKSCache()
            tenants = TenantService(
                store: store,
                keyFactory: SigningKeyFactory(sealer: sealer),
                jwksCache: jwksCache,
                clock: clock,
                logger: Logger(label: "t")
            )
            clients = ClientService(
                store: store,
                audit: AuditLog(store: store, clock: clock, logger: Logger(label: "t")),
                clock: clock,
                logger: Logger(label: "t")
            )
            coordinator = CacheCoordinator(tenants: tenants, clients: clients, jwksCache: jwksCache, signingKeys: SigningKeyRing(sealer: sealer))
        }

        /// A tenant with a public client "app", both read once through the services so they are cached.
        func cachedTenantAndClient() async throws -> (Tenant, Client) {
            let tenant = try await tenants.create(slug: "cache-\(UUID().uuidString.prefix(8).lowercased())", displayName: "Before", settings: .init())
            let now = clock.now()
            try await store.createClient(Client.publicApp(name: "Before", of: tenant.id, at: now))
            _ = try await tenants.tenant(slug: tenant.slug.value)
            return (tenant, try await authenticate(tenant))
        }

        func authenticate(_ tenant: Tenant) async throws -> Client {
            try await clients.authenticate(ClientCredentials(clientID: "app", secret: nil, method: .none), tenant: tenant)
        }

        /// Changes both names behind the services' backs, as another instance would.
        func renameElsewhere(_ tenant: Tenant, _ client: Client) async throws {
            var renamedTenant = tenant
            renamedTenant.displayName = "After"
            try await store.updateTenant(renamedTenant)
            var renamedClient = client
            renamedClient.name = "After"
            try await store.updateClient(renamedClient)
        }
    }

    @Test("a tenant notice drops the cached tenant; a client notice drops the cached client")
    func notices() async throws {
        let f = Fixture()
        let (tenant, client) = try await f.cachedTenantAndClient()
        try await f.renameElsewhere(tenant, client)
        #expect(try await f.tenants.tenant(slug: tenant.slug.value).displayName == "Before")
        #expect(try await f.authenticate(tenant).name == "Before")

        await f.coordinator.apply(.tenant(tenant.id))
        #expect(try await f.tenants.tenant(slug: tenant.slug.value).displayName == "After")
        #expect(try await f.authenticate(tenant).name == "Before")
        await f.coordinator.apply(.client(tenant.id, "app"))
        #expect(try await f.authenticate(tenant).name == "After")
    }

    @Test("the periodic reload drops every cached tenant and client")
    func reloadAll() async throws {
        let f = Fixture()
        let (tenant, client) = try await f.cachedTenantAndClient()
        try await f.renameElsewhere(tenant, client)
        await f.coordinator.reloadAll()
        #expect(try await f.tenants.tenant(slug: tenant.slug.value).displayName == "After")
        #expect(try await f.authenticate(tenant).name == "After")
    }
}
