import Foundation

/// Who is calling the admin API: the operator (any tenant) or a tenant's own admin.
public enum AdminPrincipal: Sendable, Equatable {
    /// The bootstrap key from the environment, or a stored global key.
    case `operator`(keyID: String)
    case tenant(TenantID, keyID: String)

    /// Whether this principal may act on `tenantID`.
    public func mayManage(_ tenantID: TenantID) -> Bool {
        switch self {
        case .operator: true
        case .tenant(let own, _): own == tenantID
        }
    }

    public var isOperator: Bool {
        if case .operator = self { return true }
        return false
    }

    /// The key's id, for audit and logs (never the key itself).
    public var keyID: String {
        switch self {
        case .operator(let id), .tenant(_, let id): id
        }
    }
}
