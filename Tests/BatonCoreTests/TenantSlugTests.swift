import BatonCore
import Testing

@Suite("Tenant slugs")
struct TenantSlugTests {
    @Test("valid slugs are accepted", arguments: ["demo", "ab", "acme-corp", "t1", String(repeating: "a", count: 63)])
    func accepts(_ raw: String) throws {
        #expect(try TenantSlug(raw).value == raw)
    }

    @Test(
        "invalid slugs are rejected",
        arguments: [
            "", "a", "Demo", "-demo", "demo-", "de mo", "de_mo", "dé", "de\u{0}mo", "de\u{200B}mo", "'; DROP TABLE tenants; --",
            "../etc", String(repeating: "a", count: 64),
        ]
    )
    func rejects(_ raw: String) {
        #expect(throws: BatonError.self) { try TenantSlug(raw) }
    }
}
