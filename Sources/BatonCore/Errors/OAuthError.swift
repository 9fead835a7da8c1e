/// RFC 6749 §5.2 errors of the token, login, revocation and introspection endpoints.
public struct OAuthError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unauthorizedClient = "unauthorized_client"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidScope = "invalid_scope"
        /// RFC 9449 §5 and §7.1: the DPoP proof is missing where required, or fails a check.
        case invalidDPoPProof = "invalid_dpop_proof"
        /// RFC 9449 §8: the proof must carry the server nonce sent in `dpopNonce`.
        case useDPoPNonce = "use_dpop_nonce"
        /// Baton's own: a login past the tenant's `max_sessions_per_user` with `on_limit: reject`.
        case sessionLimitReached = "session_limit_reached"
    }

    public let code: Code
    public let message: String
    /// For `invalid_client`: the client tried HTTP Basic, so the answer is 401 with `WWW-Authenticate`.
    public let usedBasicAuthentication: Bool
    /// For `use_dpop_nonce`: the nonce the answer's `DPoP-Nonce` header carries.
    public let dpopNonce: String?

    public init(_ code: Code, _ message: String, usedBasicAuthentication: Bool = false, dpopNonce: String? = nil) {
        self.code = code
        self.message = message
        self.usedBasicAuthentication = usedBasicAuthentication
        self.dpopNonce = dpopNonce
    }

    public var description: String { "OAuthError(\(code.rawValue): \(message))" }
}
