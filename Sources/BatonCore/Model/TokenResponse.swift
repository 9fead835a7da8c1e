/// What the token and login endpoints answer (RFC 6749 §5.1).
public struct TokenResponse: Sendable, Equatable {
    public let accessToken: String
    /// `Bearer`, or `DPoP` for an access token bound to a DPoP key (RFC 9449 §5).
    public let tokenType: String
    public let expiresIn: Int
    public let refreshToken: String?
    public let scope: String

    public init(accessToken: String, expiresIn: Int, refreshToken: String?, scope: [String], dpopBound: Bool = false) {
        self.accessToken = accessToken
        self.tokenType = dpopBound ? "DPoP" : "Bearer"
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.scope = scope.joined(separator: " ")
    }
}
