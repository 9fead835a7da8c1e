/// What the token and login endpoints answer (RFC 6749 §5.1).
public struct TokenResponse: Sendable, Equatable {
    public let accessToken: String
    public let tokenType = "Bearer"
    public let expiresIn: Int
    public let refreshToken: String?
    public let scope: String

    public init(accessToken: String, expiresIn: Int, refreshToken: String?, scope: [String]) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.scope = scope.joined(separator: " ")
    }
}
