import BatonCore
import HTTPTypes

extension APIError {
    /// RFC 6749 §5.2: 400, except `invalid_client` (401, with `WWW-Authenticate: Basic` when Basic was used).
    /// `use_dpop_nonce` carries the nonce to use in `DPoP-Nonce` (RFC 9449 §8).
    init(_ error: OAuthError) {
        switch error.code {
        case .invalidClient:
            let headers: HTTPFields = error.usedBasicAuthentication ? [.wwwAuthenticate: "Basic realm=\"baton\""] : [:]
            self.init(status: .unauthorized, code: error.code.rawValue, description: error.message, headers: headers)
        case .useDPoPNonce:
            var headers: HTTPFields = [:]
            if let nonce = error.dpopNonce { headers[.dpopNonce] = nonce }
            self.init(status: .badRequest, code: error.code.rawValue, description: error.message, headers: headers)
        default:
            self.init(status: .badRequest, code: error.code.rawValue, description: error.message)
        }
    }
}

extension APIError {
    /// A resource request's DPoP failure (RFC 9449 §7.1): 401 with a `DPoP` challenge naming the error.
    static func resourceDPoP(_ error: OAuthError) -> Self {
        var headers: HTTPFields = [
            .wwwAuthenticate: "DPoP error=\"\(error.code.rawValue)\", algs=\"\(DPoPProof.algorithms.joined(separator: " "))\""
        ]
        if let nonce = error.dpopNonce { headers[.dpopNonce] = nonce }
        return .init(status: .unauthorized, code: error.code.rawValue, description: error.message, headers: headers)
    }
}
