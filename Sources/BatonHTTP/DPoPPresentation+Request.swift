import BatonCore
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    /// RFC 9449 §4.1: the request's proof.
    static let dpop = HTTPField.Name("DPoP")!
    /// RFC 9449 §8: the server nonce the next proof must carry.
    static let dpopNonce = HTTPField.Name("DPoP-Nonce")!
}

extension DPoPPresentation {
    /// The request's `DPoP` headers, method and path, for the proof's checks (RFC 9449 §4.3).
    init(_ request: Request) {
        self.init(headerValues: request.headers[values: .dpop], method: request.method.rawValue, path: request.uri.path)
    }
}
