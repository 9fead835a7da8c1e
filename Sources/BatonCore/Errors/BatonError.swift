/// A domain error: what went wrong, in words safe to show a caller (never a secret, never a driver message).
public struct BatonError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of failure; the HTTP layer maps each kind to one status code.
    public enum Kind: String, Sendable, Equatable {
        case invalidInput
        case notFound
        case conflict
        case unauthorized
        case forbidden
        case unavailable
        case storeFailure
        /// Too many attempts; `retryAfter` says when to try again.
        case rateLimited
    }

    public let kind: Kind
    public let message: String
    /// Seconds until a retry may succeed (`rateLimited`).
    public let retryAfter: Int?

    private init(_ kind: Kind, _ message: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public static func invalidInput(_ message: String) -> Self { .init(.invalidInput, message) }
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    public static func conflict(_ message: String, retryAfter: Int? = nil) -> Self { .init(.conflict, message, retryAfter: retryAfter) }
    public static func unauthorized(_ message: String) -> Self { .init(.unauthorized, message) }
    public static func forbidden(_ message: String) -> Self { .init(.forbidden, message) }
    public static func unavailable(_ message: String) -> Self { .init(.unavailable, message) }
    public static func rateLimited(_ message: String, retryAfter: Int) -> Self { .init(.rateLimited, message, retryAfter: retryAfter) }
    /// A storage fault; the message is generic on purpose, the cause is logged where it happened.
    public static let storeFailure = Self(.storeFailure, "the data store failed")

    public var description: String { "BatonError(\(kind.rawValue): \(message))" }
}
