import BatonCore
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The per-request context: Hummingbird's core storage plus the admin caller once authenticated.
public struct BatonRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Request bodies above this size are refused with 413 before any parsing.
    public static let bodyLimit = 64 * 1024

    public var coreContext: CoreRequestContextStorage
    /// Set by `AdminAuthMiddleware` on admin routes.
    public var adminPrincipal: AdminPrincipal?

    /// Where the controller records the client the request names, whose allowed origins may read the response.
    /// Set by `CORSMiddleware` for requests with an `Origin` only: other requests allocate nothing for it.
    public var requestingClient: RequestingClient?

    /// The peer's address, for audit and brute-force accounting.
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { Self.bodyLimit }

    /// ISO 8601 dates, unescaped slashes (URLs stay readable), stable member order.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The authenticated admin caller; admin routes sit behind `AdminAuthMiddleware`, so nil here is a wiring fault.
    func requireAdmin() throws -> AdminPrincipal {
        guard let adminPrincipal else { throw APIError.unauthorized("a valid admin key is required") }
        return adminPrincipal
    }
}

/// The client a request names (its `client_id`, Basic credentials or access token), recorded by the controller that
/// reads it for `CORSMiddleware`, which runs before and after the controller.
public final class RequestingClient: Sendable {
    private let recorded = Mutex<String?>(nil)

    public var clientID: String? { recorded.withLock { $0 } }

    func record(_ clientID: String) { recorded.withLock { $0 = clientID } }
}
