import BatonCore
import HTTPTypes
import Hummingbird

/// RFC 6749 §5.1 token response; served with `Cache-Control: no-store`.
enum TokenResponseBody {
    /// The JSON members: access_token, token_type, expires_in, refresh_token (when there is one), scope.
    static func json(_ token: TokenResponse) -> [UInt8] {
        var writer = JSONObjectWriter()
        writer.add("access_token", token.accessToken)
        writer.add("token_type", token.tokenType)
        writer.add("expires_in", token.expiresIn)
        if let refreshToken = token.refreshToken { writer.add("refresh_token", refreshToken) }
        writer.add("scope", token.scope)
        return writer.finish()
    }

    /// The response with the headers RFC 6749 §5.1 requires.
    static func response(_ token: TokenResponse) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store", pragma: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: json(token)))
        )
    }

    private static let pragma = HTTPField.Name("Pragma")!
}
