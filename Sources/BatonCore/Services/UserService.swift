import Foundation
import Logging

/// Creates users and checks their passwords; unknown users cost the same Argon2 work as wrong passwords.
public struct UserService<Store: BatonStore>: Sendable {
    let store: Store
    let hasher: any PasswordHasher
    let audit: AuditLog<Store>
    let clock: any BatonClock
    let logger: Logger
    /// A real Argon2id hash of a random password, verified against when the user does not exist (timing parity).
    let dummyHash: String

    public init(store: Store, hasher: any PasswordHasher, dummyHash: String, audit: AuditLog<Store>, clock: any BatonClock, logger: Logger) {
        self.store = store
        self.audit = audit
        self.hasher = hasher
        self.dummyHash = dummyHash
        self.clock = clock
        self.logger = logger
    }

    public func create(tenant: Tenant, username rawUsername: String, password: String, actor: String) async throws -> User {
        let username = try DisplayName.validate(rawUsername, field: "username")
        try PasswordPolicy.validate(password)
        let now = clock.now()
        let user = User(
            tenantID: tenant.id, id: UUID(), username: username, passwordHash: try await hasher.hash(password), disabled: false, createdAt: now,
            updatedAt: now
        )
        try await store.createUser(user)
        logger.info("user created", metadata: ["tenant": "\(tenant.slug)", "user_id": "\(user.id)"])
        await audit.record(.userCreated, tenant: tenant.id, actor: actor, userID: user.id)
        return user
    }

    /// The user if `password` is right and the user may log in; nil otherwise, after the same hashing work either way.
    public func verifyCredentials(tenant: Tenant, username: String, password: String) async throws -> User? {
        guard password.unicodeScalars.count <= PasswordPolicy.maxLength, username.unicodeScalars.count <= DisplayName.maxLength,
            let user = try await store.user(tenantID: tenant.id, username: username)
        else {
            _ = try await hasher.verify(password, against: dummyHash)
            return nil
        }
        guard try await hasher.verify(password, against: user.passwordHash), !user.disabled else { return nil }
        return user
    }

    public func user(tenant: Tenant, id: UUID) async throws -> User? {
        try await store.user(tenantID: tenant.id, id: id)
    }
}
