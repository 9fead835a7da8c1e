import Foundation

/// A change one instance made that every other instance must see at once (Postgres `NOTIFY` payload).
public enum ChangeNotice: Sendable, Equatable {
    /// The tenant's signing keys changed: JWKS, signing and verification keys must reload.
    case keys(TenantID)
    /// The tenant's settings changed or it was deleted.
    case tenant(TenantID)
    /// A client changed (secret, grants, deletion).
    case client(TenantID, String)

    /// The channel every instance listens on.
    public static let channel = "baton_changes"

    public var payload: String {
        switch self {
        case .keys(let id): "keys \(id)"
        case .tenant(let id): "tenant \(id)"
        case .client(let id, let clientID): "client \(id) \(clientID)"
        }
    }

    public init?(payload: String) {
        let parts = payload.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count >= 2, let uuid = UUID(uuidString: parts[1]) else { return nil }
        let tenant = TenantID(uuid)
        switch (parts[0], parts.count) {
        case ("keys", 2): self = .keys(tenant)
        case ("tenant", 2): self = .tenant(tenant)
        case ("client", 3): self = .client(tenant, parts[2])
        default: return nil
        }
    }
}
