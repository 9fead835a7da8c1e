import Foundation
import HTTPTypes
import Hummingbird

/// An error as the client sees it: status, a stable code, a description, and `{"error", "error_description"}` as body.
public struct APIError: HTTPResponseError, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let description: String
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, code: String, description: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.description = description
        self.headers = headers
    }

    static func invalidRequest(_ description: String) -> Self { .init(status: .badRequest, code: "invalid_request", description: description) }
    static func unauthorized(_ description: String) -> Self {
        .init(status: .unauthorized, code: "unauthorized", description: description, headers: [.wwwAuthenticate: "Bearer realm=\"baton-admin\""])
    }
    /// A missing, invalid or expired access token, or one whose session was revoked (RFC 6750 §3).
    static let invalidBearerToken = Self(
        status: .unauthorized,
        code: "unauthorized",
        description: "a valid access token is required",
        headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""]
    )
    static func forbidden(_ description: String) -> Self { .init(status: .forbidden, code: "forbidden", description: description) }
    static func notFound(_ description: String) -> Self { .init(status: .notFound, code: "not_found", description: description) }
    static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> Self {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return .init(status: .methodNotAllowed, code: "method_not_allowed", description: "allowed methods: \(allow)", headers: [.allow: allow])
    }
    static func conflict(_ description: String) -> Self { .init(status: .conflict, code: "conflict", description: description) }
    /// The rest of such a body is not read: the connection closes after the answer.
    static let payloadTooLarge = Self(
        status: .contentTooLarge,
        code: "payload_too_large",
        description: "request body exceeds \(BatonRequestContext.bodyLimit) bytes",
        headers: [.connection: "close"]
    )
    /// The HTTP/1.1 framing of the body could not be read (RFC 9112 §7.1); the connection closes after the answer.
    static let malformedFraming = Self(
        status: .badRequest,
        code: "invalid_request",
        description: "malformed HTTP message framing",
        headers: [.connection: "close"]
    )
    static func unsupportedMediaType(_ expected: String) -> Self {
        .init(status: .unsupportedMediaType, code: "unsupported_media_type", description: "content type must be \(expected)")
    }
    static func unavailable(_ description: String) -> Self {
        .init(status: .serviceUnavailable, code: "unavailable", description: description, headers: [.retryAfter: "1"])
    }
    /// 5xx bodies say nothing internal.
    static let unexpected = Self(status: .internalServerError, code: "server_error", description: "internal error")

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(ErrorBody(error: code, errorDescription: description))
        var headers = self.headers
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private struct ErrorBody: Encodable {
        let error: String
        let errorDescription: String

        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }
}
