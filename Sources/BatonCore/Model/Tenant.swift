import Foundation

/// An isolated issuer: its own keys, clients, users and settings.
public struct Tenant: Sendable, Equatable {
    public let id: TenantID
    public let slug: TenantSlug
    public var displayName: String
    public var settings: TenantSettings
    public let createdAt: Date
    public var updatedAt: Date

    public init(id: TenantID, slug: TenantSlug, displayName: String, settings: TenantSettings, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.slug = slug
        self.displayName = displayName
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The `iss` of this tenant's tokens: `{public_url}/t/{slug}`, exactly.
    public func issuer(publicURL: String) -> String { "\(publicURL)/t/\(slug.value)" }
}
