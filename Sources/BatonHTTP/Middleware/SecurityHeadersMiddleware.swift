import HTTPTypes
import Hummingbird

/// Headers every response carries: `X-Content-Type-Options: nosniff`, and `Cache-Control: no-store` unless the
/// handler chose a cache policy itself (only JWKS does). Tokens, user data and admin answers are never cached by
/// a browser or a proxy, whichever endpoint gave them.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.contentTypeOptions] = "nosniff"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
