import BatonCore
import Foundation
import HTTPTypes
import Hummingbird

/// Per-tenant discovery: JWKS and RFC 8414 metadata (under both path forms, and as `openid-configuration`).
struct WellKnownController<Store: BatonStore>: Sendable {
    let tenants: TenantService<Store>
    let keys: KeyService<Store>
    let publicURL: String

    func register(on router: Router<BatonRequestContext>) {
        router.get("/t/{tenant}/.well-known/jwks.json", use: jwks)
        router.get("/t/{tenant}/.well-known/oauth-authorization-server", use: metadata)
        router.get("/t/{tenant}/.well-known/openid-configuration", use: metadata)
        router.get("/.well-known/oauth-authorization-server/t/{tenant}", use: metadata)
    }

    @Sendable func jwks(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let tenant = try await tenants.tenant(slug: context.parameters.require("tenant"))
        let document = try await keys.jwks(of: tenant)
        var headers: HTTPFields = [
            .cacheControl: "public, max-age=\(tenant.settings.jwksMaxAge)",
            .eTag: document.etag,
        ]
        if let ifNoneMatch = request.headers[.ifNoneMatch], Self.matches(ifNoneMatch, etag: document.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/jwk-set+json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.body)))
    }

    @Sendable func metadata(_ request: Request, context: BatonRequestContext) async throws -> ServerMetadata {
        let tenant = try await tenants.tenant(slug: context.parameters.require("tenant"))
        let document = try await keys.jwks(of: tenant)
        return ServerMetadata(issuer: tenant.issuer(publicURL: publicURL), signingAlgorithms: document.algorithms)
    }

    /// `If-None-Match` holds `*` or a comma-separated list of (possibly weak) entity tags.
    static func matches(_ header: String, etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }
}
