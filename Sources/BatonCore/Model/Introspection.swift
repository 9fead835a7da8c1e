import Foundation

/// What introspection says of an active token (RFC 7662 §2.2). Inactive tokens have no value: just `active: false`.
public struct Introspection: Sendable, Equatable {
    public enum TokenType: String, Sendable {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
    }

    public let tokenType: TokenType
    public let scope: String
    public let clientID: String
    public let subject: String
    public let issuer: String
    public let audience: [String]
    public let expiresAt: Date
    public let issuedAt: Date?
    public let sessionID: UUID?
    public let jwtID: String?
    /// The thumbprint of the DPoP key the token is bound to (`cnf.jkt`, RFC 9449 §6.2).
    public var dpopJKT: String? = nil
}
