import BatonCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Turns every error into a JSON error response; the only place that decides what a client learns about a failure.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    let routeTable: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try apiError(for: error, request: request, context: context).response(from: request, context: context)
        }
    }

    func apiError(for error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as BatonError:
            if error.kind == .storeFailure || error.kind == .unavailable {
                context.logger.warning("request failed: service unavailable", metadata: ["reason": "\(error.message)"])
            }
            return APIError(error)
        case let error as OAuthError:
            return APIError(error)
        case let error as DecodingError:
            return .invalidRequest(DecodingErrorDescription.describe(error))
        case is NIOTooManyBytesError:
            // A body without Content-Length (chunked) that grew past the limit while being collected.
            return .payloadTooLarge
        case is HTTPParserError:
            // Malformed framing inside the body (a chunk size that is not a number, or too large): the connection
            // cannot be read any further, so the answer closes it.
            return .malformedFraming
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                let allowed = routeTable.allowedMethods(for: request.uri.path)
                return allowed.isEmpty ? .notFound("no such resource") : .methodNotAllowed(allowed: allowed)
            case .contentTooLarge:
                return .payloadTooLarge
            case .badRequest:
                return .invalidRequest("malformed request")
            default:
                return APIError(status: error.status, code: "invalid_request", description: error.status.reasonPhrase)
            }
        default:
            context.logger.error("unhandled error", metadata: ["error_type": "\(type(of: error))"])
            return .unexpected
        }
    }
}
