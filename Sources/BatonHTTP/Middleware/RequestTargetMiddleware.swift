import BatonCore
import Hummingbird

/// Refuses a request whose path segments or query parameters, percent-decoded, are not UTF-8 or hold NUL: 400
/// naming the part, before any handler (and so any store call) sees them. PostgreSQL can store neither.
struct RequestTargetMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        for segment in request.uri.path.utf8.split(separator: UInt8(ascii: "/")) where !Self.isStorable(segment) {
            throw APIError.invalidRequest("the path must be UTF-8 text without NUL characters, percent-encoded")
        }
        for pair in (request.uri.query ?? "").utf8.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = FormURLDecoding.decode(parts[0]).map(StrictJSON.Problem.printable) ?? "a query parameter"
            guard parts.allSatisfy(Self.isStorable) else {
                throw APIError.invalidRequest("query parameter \(name) must be UTF-8 text without NUL characters, percent-encoded")
            }
        }
        return try await next(request, context)
    }

    private static func isStorable(_ bytes: some Collection<UInt8>) -> Bool {
        guard let text = FormURLDecoding.decode(bytes) else { return false }
        return !text.utf8.contains(0)
    }
}
