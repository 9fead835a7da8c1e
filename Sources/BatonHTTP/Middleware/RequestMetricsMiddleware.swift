import Hummingbird

/// Times every request into `BatonMetrics`, labelled by route pattern (never the raw path: bounded cardinality).
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    let metrics: BatonMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            metrics.recordRequest(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, nanoseconds: nanoseconds)
        }
        return try await next(request, context)
    }
}
