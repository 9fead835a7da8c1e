import Foundation

/// Persistence of admin API keys, by SHA-256 digest only.
public protocol AdminKeyStore: Sendable {
    func createAdminKey(_ key: AdminKey) async throws
    func adminKey(digest: Data) async throws -> AdminKey?
}
