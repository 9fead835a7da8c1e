import BatonCore
import Foundation
import HTTPTypes
import Hummingbird

/// RFC 6749 §5.1 token response; served with `Cache-Control: no-store`.
struct TokenResponseBody: Encodable {
    let accessToken: String
    let tokenType: String
    let expiresIn: Int
    let refreshToken: String?
    let scope: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case scope
    }

    init(_ response: TokenResponse) {
        accessToken = response.accessToken
        tokenType = response.tokenType
        expiresIn = response.expiresIn
        refreshToken = response.refreshToken
        scope = response.scope
    }

    /// The response with the headers RFC 6749 §5.1 requires.
    static func response(_ token: TokenResponse, context: BatonRequestContext) throws -> Response {
        let body = try context.responseEncoder.encode(TokenResponseBody(token))
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
