import Foundation

/// Persistence of a tenant's users.
public protocol UserStore: Sendable {
    /// `BatonError.conflict` if the username is taken in this tenant.
    func createUser(_ user: User) async throws
    func user(tenantID: TenantID, id: UUID) async throws -> User?
    func user(tenantID: TenantID, username: String) async throws -> User?
}
