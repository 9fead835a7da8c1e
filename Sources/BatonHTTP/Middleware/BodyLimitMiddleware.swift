import HTTPTypes
import Hummingbird

/// Refuses bodies over `BatonRequestContext.bodyLimit` with 413 before any handler reads them.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else { throw APIError.invalidRequest("Content-Length is not a number") }
            guard length <= BatonRequestContext.bodyLimit else { throw APIError.payloadTooLarge }
        }
        // A body without Content-Length (chunked) is collected up to the limit and refused past it.
        var request = request
        let body = try await request.collectBody(upTo: BatonRequestContext.bodyLimit)
        request.body = .init(buffer: body)
        return try await next(request, context)
    }
}
