import Foundation

/// Persistence of a tenant's users.
public protocol UserStore: Sendable {
    /// `BatonError.conflict` if the username is taken in this tenant.
    func createUser(_ user: User) async throws
    func user(tenantID: TenantID, id: UUID) async throws -> User?
    func user(tenantID: TenantID, username: String) async throws -> User?
    /// Users by username, those after `after`, at most `limit`.
    func users(tenantID: TenantID, after: String?, limit: Int) async throws -> [User]
    /// Replaces password hash, disabled flag and updated_at; `notFound` if the user is gone.
    func updateUser(_ user: User) async throws
    /// Deletes the user and their sessions; false if there was none.
    func deleteUser(tenantID: TenantID, id: UUID) async throws -> Bool
}
