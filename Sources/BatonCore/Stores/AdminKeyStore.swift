import Foundation

/// Persistence of admin API keys, by SHA-256 digest only.
public protocol AdminKeyStore: Sendable {
    func createAdminKey(_ key: AdminKey) async throws
    func adminKey(digest: Data) async throws -> AdminKey?
    /// The keys limited to `tenantID`, oldest first.
    func adminKeys(tenantID: TenantID) async throws -> [AdminKey]
    /// Deletes the key limited to `tenantID` with this id; false if there is none. Committed before returning, and
    /// every instance looks keys up on each request, so the key stops working everywhere at once.
    func deleteAdminKey(tenantID: TenantID, id: UUID) async throws -> Bool
}
