import BatonCore
import Foundation
import Hummingbird

/// Reads a JSON request body: checks the content type (415), the size (413), then `StrictJSON` (repeated
/// members, NUL characters, depth: 400) and decodes strictly (400).
enum JSONRequestBody {
    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request, context: BatonRequestContext) async throws -> Body {
        guard let body = try await decodeIfPresent(type, from: request, context: context) else {
            throw APIError.invalidRequest("request body is empty")
        }
        return body
    }

    /// For endpoints whose body is optional: a body without a single byte is absent (nil), whatever the headers
    /// say, so `curl -X POST -H 'Content-Type: application/json'` with no data means "no options". Any byte makes
    /// it a body that must be JSON.
    static func decodeIfPresent<Body: Decodable>(_ type: Body.Type, from request: Request, context: BatonRequestContext) async throws -> Body? {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        guard let contentType = request.headers[.contentType], isJSON(contentType) else {
            throw APIError.unsupportedMediaType("application/json")
        }
        do {
            try StrictJSON.check(buffer.readableBytesView)
        } catch {
            throw APIError.invalidRequest(error.description)
        }
        return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
    }

    static func isJSON(_ contentType: String) -> Bool {
        MediaType.of(contentType) == "application/json"
    }
}
