import HTTPTypes
import Hummingbird
import Instrumentation
import Tracing

/// One server span per request, continuing the caller's trace when it sent a W3C `traceparent`: named for the
/// route template (`POST /t/{tenant}/oauth/token`), with the method, route, status and tenant. Nothing else of the
/// request is recorded (no query, no header, no body: a misplaced secret must not reach a trace backend). The
/// tenant is the one `RequestIDMiddleware`, which runs first, found in the path. With tracing off the tracer is a
/// no-op.
struct RequestTracingMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var serviceContext = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        let method = request.method.rawValue
        return try await withSpan("\(method)", context: serviceContext, ofKind: .server) { span in
            span.attributes["http.request.method"] = method
            if let tenant = RequestLogMetadata.current?.tenant { span.attributes["baton.tenant"] = tenant }
            do {
                let response = try await next(request, context)
                Self.finish(span, method: method, route: context.endpointPath, status: Int(response.status.code))
                return response
            } catch {
                // Only what escaped ErrorMiddleware, which answers every error it knows.
                Self.finish(
                    span,
                    method: method,
                    route: context.endpointPath,
                    status: (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
                )
                throw error
            }
        }
    }

    static func finish(_ span: any Span, method: String, route: String?, status: Int) {
        if let route {
            span.operationName = "\(method) \(route)"
            span.attributes["http.route"] = route
        }
        span.attributes["http.response.status_code"] = status
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
    }
}

/// Reads W3C trace context (and any other propagated field) from the request's headers.
struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }
}
