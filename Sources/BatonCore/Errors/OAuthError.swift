/// RFC 6749 §5.2 errors of the token, login, revocation and introspection endpoints.
public struct OAuthError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unauthorizedClient = "unauthorized_client"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidScope = "invalid_scope"
    }

    public let code: Code
    public let message: String
    /// For `invalid_client`: the client tried HTTP Basic, so the answer is 401 with `WWW-Authenticate`.
    public let usedBasicAuthentication: Bool

    public init(_ code: Code, _ message: String, usedBasicAuthentication: Bool = false) {
        self.code = code
        self.message = message
        self.usedBasicAuthentication = usedBasicAuthentication
    }

    public var description: String { "OAuthError(\(code.rawValue): \(message))" }
}
