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
            await authenticator.recordRefusal(
                tenantSlug: Self.tenantSlug(inPath: request.uri.path),
                actor: "anonymous",
                reason: "invalid_admin_key",
                sourceIP: context.remoteAddress?.ipAddress
            )
            throw APIError.unauthorized("a valid admin key is required")
        }
        context.logger[metadataKey: "admin_key_id"] = "\(context.adminPrincipal?.keyID ?? "-")"
        return try await next(request, context)
    }

    /// `{tenant}` of `/admin/v1/tenants/{tenant}/...`, if the path has one.
    static func tenantSlug(inPath path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count >= 4, parts[0] == "admin", parts[1] == "v1", parts[2] == "tenants" else { return nil }
        return String(parts[3])
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let (scheme, token) = AuthorizationHeader.parse(header), scheme == "bearer" else { return nil }
        return token
    }
}
