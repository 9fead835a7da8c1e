import Foundation

/// A person who logs in to a tenant; the password is kept only as an Argon2id PHC string.
public struct User: Sendable, Equatable {
    public let tenantID: TenantID
    public let id: UUID
    public let username: String
    public var passwordHash: String
    public var disabled: Bool
    public let createdAt: Date
    public var updatedAt: Date

    public init(tenantID: TenantID, id: UUID, username: String, passwordHash: String, disabled: Bool, createdAt: Date, updatedAt: Date) {
        self.tenantID = tenantID
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
