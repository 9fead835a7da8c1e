import BatonCore
import Logging

/// The request a task serves, for every log line written while serving it: its id and, on a tenant's path, the
/// tenant. Loggers built before any request (the services', the store's) read it through `provider`.
public struct RequestLogMetadata: Sendable {
    public let requestID: String
    public let tenant: String?

    @TaskLocal static var current: RequestLogMetadata?

    /// The metadata key of the request id on every line.
    public static let requestIDKey = "request_id"

    /// The current request's metadata, or none outside a request.
    public static let provider = Logger.MetadataProvider {
        guard let current else { return [:] }
        var metadata: Logger.Metadata = [requestIDKey: .string(current.requestID)]
        if let tenant = current.tenant { metadata["tenant"] = .string(tenant) }
        return metadata
    }

    /// The tenant a path names (`/t/{tenant}/…`, `/admin/v1/tenants/{tenant}…`), when it is a valid `TenantSlug`:
    /// anything else is left out rather than copied into the log.
    static func slug(inPath path: String) -> String? {
        let rest: Substring
        if path.hasPrefix("/t/") {
            rest = path.dropFirst(3)
        } else if path.hasPrefix("/admin/v1/tenants/") {
            rest = path.dropFirst(18)
        } else {
            return nil
        }
        let slug = rest.prefix { $0 != "/" }
        return try? TenantSlug(String(slug)).value
    }
}
