import HTTPTypes
import Hummingbird
import Logging

/// Puts `X-Request-Id` on every response: the caller's own id if it is short and plain, else Hummingbird's.
/// Log lines carry the same id: the request's logger as `hb.request.id` (Hummingbird's key, replaced by the
/// caller's id when accepted), every other logger through `RequestLogMetadata`, with the path's tenant.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    static let header = HTTPField.Name("X-Request-Id")!
    /// The metadata key `RequestContext.id` reads.
    static let logKey = "hb.request.id"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // Setting logger metadata re-renders all of it (swift-log's stream handler): only when the caller sent an id.
        if let callerID = request.headers[Self.header].flatMap(Self.accepted) {
            context.logger[metadataKey: Self.logKey] = .string(callerID)
        }
        let requestID = context.id
        let logMetadata = RequestLogMetadata(requestID: requestID, tenant: RequestLogMetadata.slug(inPath: request.uri.path))
        var response = try await RequestLogMetadata.$current.withValue(logMetadata) { try await next(request, context) }
        response.headers[Self.header] = requestID
        return response
    }

    /// Only 1–64 characters of `A-Z a-z 0-9 - _ .`: anything else could smuggle text into logs and headers.
    static func accepted(_ candidate: String) -> String? {
        guard (1...64).contains(candidate.utf8.count),
            candidate.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
        else { return nil }
        return candidate
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
