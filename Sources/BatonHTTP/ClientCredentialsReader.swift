import BatonCore
import Foundation
import Hummingbird

/// Reads client credentials from HTTP Basic (RFC 6749 §2.3.1, form-encoded id and secret) or the body; never both.
enum ClientCredentialsReader {
    static func read(_ request: Request, parameters: OAuthParameters) throws -> ClientCredentials {
        let bodyID = parameters["client_id"]
        let bodySecret = parameters["client_secret"]
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic" else {
                throw OAuthError(.invalidClient, "unsupported client authentication", usedBasicAuthentication: true)
            }
            guard bodySecret == nil else { throw OAuthError(.invalidRequest, "client credentials in both the Authorization header and the body") }
            guard let decoded = Data(base64Encoded: String(parts[1])).map({ String(decoding: $0, as: UTF8.self) }),
                let colon = decoded.firstIndex(of: ":"),
                let id = FormURLDecoding.decode(decoded[..<colon].utf8),
                let secret = FormURLDecoding.decode(decoded[decoded.index(after: colon)...].utf8)
            else { throw OAuthError(.invalidClient, "malformed HTTP Basic credentials", usedBasicAuthentication: true) }
            // NUL passes percent-decoding but no store can hold it; named here, before the client is looked up.
            for (field, value) in [("client_id", id), ("client_secret", secret)] where value.utf8.contains(0) {
                throw OAuthError(.invalidRequest, StrictJSON.Problem.nulCharacter(member: field).description)
            }
            guard bodyID == nil || bodyID == id else { throw OAuthError(.invalidRequest, "client_id in the body differs from HTTP Basic") }
            return ClientCredentials(clientID: id, secret: secret, method: .basic)
        }
        guard let bodyID, !bodyID.isEmpty else { throw OAuthError(.invalidClient, "client authentication is required") }
        return ClientCredentials(clientID: bodyID, secret: bodySecret, method: bodySecret == nil ? .none : .post)
    }
}
