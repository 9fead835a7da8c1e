import BatonCore
import HTTPTypes

extension APIError {
    /// RFC 6749 §5.2: 400, except `invalid_client` (401, with `WWW-Authenticate: Basic` when Basic was used).
    init(_ error: OAuthError) {
        switch error.code {
        case .invalidClient:
            let headers: HTTPFields = error.usedBasicAuthentication ? [.wwwAuthenticate: "Basic realm=\"baton\""] : [:]
            self.init(status: .unauthorized, code: error.code.rawValue, description: error.message, headers: headers)
        default:
            self.init(status: .badRequest, code: error.code.rawValue, description: error.message)
        }
    }
}
