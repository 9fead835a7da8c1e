import Foundation

/// An operator API key as stored: only its SHA-256 digest, and the tenant it is limited to (nil: global).
public struct AdminKey: Sendable, Equatable {
    public let id: UUID
    public let tenantID: TenantID?
    public let digest: Data
    public let createdAt: Date

    public init(id: UUID, tenantID: TenantID?, digest: Data, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.digest = digest
        self.createdAt = createdAt
    }
}
