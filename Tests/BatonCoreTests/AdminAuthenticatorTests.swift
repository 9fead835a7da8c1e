import BatonCore
import Foundation
import Logging
import Testing

@Suite("Admin key authentication")
struct AdminAuthenticatorTests {
    let store = MemoryStore()
    let bootstrap = "bootstrap-operator-key-0123456789"

    var authenticator: AdminAuthenticator<MemoryStore> {
        AdminAuthenticator(
            store: store,
            bootstrapKey: bootstrap,
            audit: AuditLog(store: store, clock: ManualClock(), logger: Logger(label: "test")),
            clock: ManualClock(),
            logger: Logger(label: "test")
        )
    }

    func makeTenant() async throws -> Tenant {
        let service = TenantService(
            store: store,
            keyFactory: SigningKeyFactory(sealer: SecretSealer(current: .generate())),
            jwksCache: JWKSCache(),
            clock: ManualClock(),
            logger: Logger(label: "test")
        )
        return try await service.create(slug: "acme", displayName: nil, settings: .init())
    }

    @Test("the bootstrap key is an operator")
    func bootstrapKey() async throws {
        #expect(try await authenticator.authenticate(bearer: bootstrap) == .operator(keyID: "bootstrap"))
    }

    @Test("missing, empty, unknown and oversized keys are unauthorized", arguments: [nil, "", "nope", String(repeating: "k", count: 10_000)])
    func rejected(_ key: String?) async {
        await #expect(throws: BatonError.unauthorized("a valid admin key is required")) { _ = try await authenticator.authenticate(bearer: key) }
    }

    @Test("a tenant key is stored as a digest only and manages only its tenant")
    func tenantKey() async throws {
        let tenant = try await makeTenant()
        let (record, key) = try await authenticator.issueTenantKey(for: tenant, by: .operator(keyID: "test"))
        #expect(key.hasPrefix("baton_adm_"))
        #expect(record.digest == SecretDigest.sha256(key))
        #expect(record.digest.range(of: Data(key.utf8)) == nil)
        let principal = try await authenticator.authenticate(bearer: key)
        #expect(principal == .tenant(tenant.id, keyID: record.id.uuidString.lowercased()))
        #expect(principal.mayManage(tenant.id))
        #expect(!principal.mayManage(TenantID()))
        #expect(!principal.isOperator)
    }

    @Test("admin access: a tenant key manages its own tenant; another one, existing or not, is forbidden and the refusal audited there")
    func tenantScope() async throws {
        let tenants = TenantService(
            store: store,
            keyFactory: SigningKeyFactory(sealer: SecretSealer(current: .generate())),
            jwksCache: JWKSCache(),
            clock: ManualClock(),
            logger: Logger(label: "test")
        )
        let access = AdminAccess(tenants: tenants, authenticator: authenticator)
        let acme = try await tenants.create(slug: "acme", displayName: nil, settings: .init())
        let other = try await tenants.create(slug: "other", displayName: nil, settings: .init())
        let key = AdminPrincipal.tenant(acme.id, keyID: "k1")
        let forbidden = BatonError.forbidden("this admin key may not manage this tenant")

        #expect(try await access.tenant(slug: "acme", for: key, sourceIP: nil) == acme)
        await #expect(throws: forbidden) { _ = try await access.tenant(slug: "other", for: key, sourceIP: "10.0.0.9") }
        await #expect(throws: forbidden) { _ = try await access.tenant(slug: "nowhere", for: key, sourceIP: nil) }
        let refusals = await store.auditEvents(tenantID: other.id, kind: .adminAuthenticationFailed, before: nil, limit: 10)
        #expect(refusals.map(\.actor) == ["admin:k1"])
        #expect(refusals.first?.details["reason"] == "other_tenant_key")

        let operatorKey = AdminPrincipal.operator(keyID: "op")
        #expect(try await access.tenant(slug: "other", for: operatorKey, sourceIP: nil) == other)
        await #expect(throws: BatonError.notFound("no such tenant")) { _ = try await access.tenant(slug: "nowhere", for: operatorKey, sourceIP: nil) }
        #expect(throws: BatonError.forbidden("only an operator key may list tenants")) { try access.requireOperator(key, to: "list tenants") }
        try access.requireOperator(operatorKey, to: "list tenants")
    }
}
