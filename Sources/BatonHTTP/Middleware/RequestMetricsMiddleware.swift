import Hummingbird

/// Times every request into `BatonMetrics`, labelled by route pattern (never the raw path: bounded cardinality).
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    let metrics: BatonMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: start)
            return response
        } catch {
            // The error middleware inside answers nearly everything; what still escapes is answered by Hummingbird.
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        metrics.recordRequest(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status, nanoseconds: nanoseconds)
    }
}
