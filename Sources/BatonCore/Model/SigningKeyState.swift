/// Where a signing key is in its lifecycle: pending → active → retiring → retired, or revoked from any state.
public enum SigningKeyState: String, Sendable, CaseIterable, Codable {
    case pending
    case active
    case retiring
    case retired
    case revoked

    /// Whether resource servers see the key in the tenant's JWKS.
    public var isPublished: Bool {
        switch self {
        case .pending, .active, .retiring: true
        case .retired, .revoked: false
        }
    }
}
