import Foundation
import Logging

/// Creates users and checks their passwords; unknown users cost the same Argon2 work as wrong passwords.
public struct UserService<Store: UserStore & SessionStore & AuditStore>: Sendable {
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
            tenantID: tenant.id,
            id: UUID(),
            username: username,
            passwordHash: try await hasher.hash(password, for: tenant.id),
            disabled: false,
            createdAt: now,
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
            _ = try await hasher.verify(password, against: dummyHash, for: tenant.id)
            return nil
        }
        guard try await hasher.verify(password, against: user.passwordHash, for: tenant.id), !user.disabled else { return nil }
        // Parameters upgrade transparently: the password is known right now, so re-hash with the current ones.
        if hasher.needsRehash(user.passwordHash) {
            var upgraded = user
            upgraded.passwordHash = try await hasher.hash(password, for: tenant.id)
            upgraded.updatedAt = clock.now()
            try await store.updateUser(upgraded)
            return upgraded
        }
        return user
    }

    public func user(tenant: Tenant, id: UUID) async throws -> User? {
        try await store.user(tenantID: tenant.id, id: id)
    }

    public func list(tenant: Tenant, after: String?, limit: Int?) async throws -> Page<User, String> {
        let size = try PageSize(limit)
        return Page(try await store.users(tenantID: tenant.id, after: after, limit: size.value), size: size, cursor: \.username)
    }

    public func require(tenant: Tenant, id: UUID) async throws -> User {
        guard let user = try await store.user(tenantID: tenant.id, id: id) else { throw BatonError.notFound("no such user") }
        return user
    }

    /// Changes password and/or disabled state. Either change signs the user out everywhere.
    public func update(tenant: Tenant, user: User, password: String?, disabled: Bool?, actor: String) async throws -> User {
        var updated = user
        if let password {
            try PasswordPolicy.validate(password)
            updated.passwordHash = try await hasher.hash(password, for: tenant.id)
        }
        if let disabled { updated.disabled = disabled }
        updated.updatedAt = clock.now()
        try await store.updateUser(updated)
        var revoked = 0
        if password != nil || disabled == true {
            revoked = try await store.revokeSessions(
                tenantID: tenant.id,
                userID: user.id,
                reason: password != nil ? "password_changed" : "user_disabled",
                at: clock.now()
            )
        }
        await audit.record(
            .userUpdated,
            tenant: tenant.id,
            actor: actor,
            userID: user.id,
            details: ["password_changed": "\(password != nil)", "disabled": "\(updated.disabled)", "sessions_revoked": "\(revoked)"]
        )
        return updated
    }

    /// Deletes the user; their sessions go with them, so their tokens stop refreshing and introspect inactive.
    public func delete(tenant: Tenant, id: UUID, actor: String) async throws {
        guard try await store.deleteUser(tenantID: tenant.id, id: id) else { throw BatonError.notFound("no such user") }
        await audit.record(.userDeleted, tenant: tenant.id, actor: actor, userID: id)
    }
}
