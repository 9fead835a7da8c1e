import BatonCore
import BatonPasswords
import Foundation
import Logging
import Testing

@Suite("Argon2id passwords")
struct Argon2PasswordHasherTests {
    @Test("hashes are Argon2id PHC strings with OWASP parameters, salted, and verify only the right password")
    func hashAndVerify() async throws {
        let hasher = Argon2PasswordHasher()
        let a = try await hasher.hash("correct horse battery")
        let b = try await hasher.hash("correct horse battery")
        #expect(a.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(a != b)
        #expect(try await hasher.verify("correct horse battery", against: a))
        #expect(try await !hasher.verify("correct horse batterz", against: a))
        #expect(try await !hasher.verify("anything", against: "not a hash"))
        #expect(!hasher.needsRehash(a))
    }

    @Test("passwords outside 8...1024 characters are refused before hashing")
    func policy() async {
        let hasher = Argon2PasswordHasher()
        await #expect(throws: BatonError.self) { _ = try await hasher.hash("short") }
        await #expect(throws: BatonError.self) { _ = try await hasher.hash(String(repeating: "x", count: 1025)) }
    }

    @Test("beyond the bound on waiting hashes, callers get unavailable instead of queueing forever")
    func bound() async throws {
        let hasher = Argon2PasswordHasher(threads: 1, maxWaiting: 1)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { (try? await hasher.hash("password-\(UUID())")) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.contains(true))
        #expect(outcomes.contains(false))
    }

    @Test("a login with a hash made under weaker parameters upgrades it transparently")
    func rehashOnLogin() async throws {
        var weak = Argon2PasswordHasher.Parameters()
        weak.memoryKiB = 8_192
        weak.iterations = 1
        let store = MemoryStore()
        let clock = ManualClock()
        let logger = Logger(label: "t")
        let tenant = try await TenantService(
            store: store,
            keyFactory: SigningKeyFactory(sealer: SecretSealer(current: .generate())),
            jwksCache: JWKSCache(),
            clock: clock,
            logger: logger
        ).create(slug: "rehash", displayName: nil, settings: .init())
        let audit = AuditLog(store: store, clock: clock, logger: logger)
        let old = UserService(store: store, hasher: Argon2PasswordHasher(parameters: weak), dummyHash: "", audit: audit, clock: clock, logger: logger)
        let user = try await old.create(tenant: tenant, username: "ada", password: "ada-password", actor: "test")
        #expect(user.passwordHash.contains("m=8192,t=1"))
        let current = Argon2PasswordHasher()
        let service = UserService(
            store: store,
            hasher: current,
            dummyHash: try await current.hash("dummy-password"),
            audit: audit,
            clock: clock,
            logger: logger
        )
        let verified = try await service.verifyCredentials(tenant: tenant, username: "ada", password: "ada-password")
        #expect(verified != nil)
        let stored = try #require(await store.user(tenantID: tenant.id, id: user.id))
        #expect(stored.passwordHash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(try await service.verifyCredentials(tenant: tenant, username: "ada", password: "ada-password") != nil)
    }
}
