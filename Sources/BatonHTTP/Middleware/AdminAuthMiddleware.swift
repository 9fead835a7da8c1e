import BatonCore
import HTTPTypes
import Hummingbird
import Logging

/// Authenticates `Authorization: Bearer <admin key>` on the admin API and records the caller in the context.
struct AdminAuthMiddleware<Store: BatonStore>: RouterMiddleware {
    typealias Context = BatonRequestContext

    let authenticator: AdminAuthenticator<Store>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            context.adminPrincipal = try await authenticator.authenticate(bearer: Self.bearerToken(request.headers[.authorization]))
        } catch let error as BatonError where error.kind == .unauthorized {
            context.logger.notice("admin authentication failed", metadata: ["path": "\(request.uri.path)"])
            throw APIError.unauthorized("a valid admin key is required")
        }
        context.logger[metadataKey: "admin_key_id"] = "\(context.adminPrincipal?.keyID ?? "-")"
        return try await next(request, context)
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }
}
