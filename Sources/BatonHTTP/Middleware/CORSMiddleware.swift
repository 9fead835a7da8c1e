import BatonCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Cross-origin access for browser clients (the Fetch standard's CORS protocol) on the endpoints a single-page app
/// calls. Which origin may read which response is `ClientService.allowsOrigin`'s decision: a preflight, which names
/// no client, is allowed for an origin some client of the tenant lists; the actual response, for an origin the
/// client the request names lists (`BatonRequestContext.requestingClient`). JWKS and metadata are public documents,
/// readable from any origin. Admin endpoints never answer CORS. CORS decides what a page may read, not what it may
/// send: Baton uses no cookies, so a request from a page on any origin carries only what that page itself holds.
struct CORSMiddleware<Store: BatonStore>: RouterMiddleware {
    typealias Context = BatonRequestContext

    let tenants: TenantService<Store>
    let clients: ClientService<Store>
    let routeTable: RouteTable

    /// The request headers a browser client needs beyond the CORS-safelisted ones.
    static var allowedHeaders: [String] { ["Authorization", "Content-Type", "DPoP"] }
    /// The response headers a browser client must be able to read.
    static var exposedHeaders: String { "WWW-Authenticate, Retry-After, DPoP-Nonce" }
    /// Seconds a browser may keep a preflight's answer.
    static var maxAge: Int { 600 }

    /// Where a path stands: a tenant's endpoint that answers a client, a public document, or no browser endpoint.
    enum Exposure: Equatable {
        case client(tenant: String)
        case document
        case none
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let path = request.uri.path
        let exposure = Self.exposure(of: path)
        let isPreflight = request.method == .options && request.headers[.accessControlRequestMethod] != nil
        switch exposure {
        case .none:
            return try await next(request, context)
        case .document:
            if isPreflight { return try preflight(request, path: path, allowOrigin: "*", context: context) }
            var response = try await next(request, context)
            response.headers[.accessControlAllowOrigin] = "*"
            return response
        case .client(let slug):
            if isPreflight {
                guard await allows(origin, slug: slug, clientID: nil, context: context) else {
                    context.logger.notice("cross-origin preflight refused", metadata: ["origin": "\(Self.loggable(origin))", "path": "\(path)"])
                    return try APIError.forbidden("origin \(Self.loggable(origin)) may not call this endpoint").response(
                        from: request,
                        context: context
                    )
                }
                var response = try preflight(request, path: path, allowOrigin: origin, context: context)
                response.headers[values: .vary].append("Origin")
                return response
            }
            let requestingClient = RequestingClient()
            var context = context
            context.requestingClient = requestingClient
            var response = try await next(request, context)
            response.headers[values: .vary].append("Origin")
            if await allows(origin, slug: slug, clientID: requestingClient.clientID, context: context) {
                response.headers[.accessControlAllowOrigin] = origin
                response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
            } else {
                context.logger.notice(
                    "cross-origin response withheld",
                    metadata: ["origin": "\(Self.loggable(origin))", "path": "\(path)", "client_id": "\(requestingClient.clientID ?? "-")"]
                )
            }
            return response
        }
    }

    /// The answer to a preflight for `path`: the methods it serves and the headers Baton reads, or 403 naming what
    /// the browser asked for that Baton does not serve.
    private func preflight(_ request: Request, path: String, allowOrigin: String, context: Context) throws -> Response {
        let methods = routeTable.allowedMethods(for: path)
        guard let method = request.headers[.accessControlRequestMethod], methods.contains(where: { $0.rawValue == method }) else {
            return try APIError.forbidden("this endpoint serves \(methods.map(\.rawValue).joined(separator: ", ")) only")
                .response(from: request, context: context)
        }
        let requested = (request.headers[.accessControlRequestHeaders] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }.filter { !$0.isEmpty }
        let allowed = Self.allowedHeaders.map { $0.lowercased() }
        if let header = requested.first(where: { !allowed.contains($0) }) {
            return try APIError.forbidden("request header \(Self.loggable(header)) is not accepted").response(from: request, context: context)
        }
        var response = Response(status: .noContent)
        response.headers[.accessControlAllowOrigin] = allowOrigin
        response.headers[.accessControlAllowMethods] = methods.map(\.rawValue).joined(separator: ", ")
        response.headers[.accessControlAllowHeaders] = Self.allowedHeaders.joined(separator: ", ")
        response.headers[.accessControlMaxAge] = "\(Self.maxAge)"
        return response
    }

    /// Never throws: a tenant that cannot be found, or a database that does not answer, allows no origin.
    private func allows(_ origin: String, slug: String, clientID: String?, context: Context) async -> Bool {
        do {
            let tenant = try await tenants.tenant(slug: slug)
            return try await clients.allowsOrigin(origin, tenant: tenant, clientID: clientID)
        } catch {
            return false
        }
    }

    /// Where `path` stands for CORS.
    static func exposure(of path: String) -> Exposure {
        if path.hasPrefix("/.well-known/oauth-authorization-server/t/") { return .document }
        guard path.hasPrefix("/t/") else { return .none }
        let rest = path.dropFirst(3)
        guard let slash = rest.firstIndex(of: "/") else { return .none }
        let slug = String(rest[..<slash])
        let endpoint = rest[rest.index(after: slash)...]
        switch endpoint {
        case ".well-known/jwks.json", ".well-known/oauth-authorization-server", ".well-known/openid-configuration":
            return .document
        case "login", "signup", "oauth/token", "oauth/revoke", "me", "sessions", "logout":
            return .client(tenant: slug)
        default:
            let parts = endpoint.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[0] == "sessions" && !parts[1].isEmpty ? .client(tenant: slug) : .none
        }
    }

    /// An `Origin` or header name as a log line or an error may carry it: short, printable ASCII only.
    static func loggable(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.prefix(100).filter { $0.value > 0x20 && $0.value < 0x7F }))
    }
}
