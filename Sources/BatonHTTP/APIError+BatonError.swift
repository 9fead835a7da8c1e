import BatonCore
import HTTPTypes

extension APIError {
    /// The one place domain errors become HTTP statuses.
    init(_ error: BatonError) {
        switch error.kind {
        case .invalidInput: self = .invalidRequest(error.message)
        case .notFound: self = .notFound(error.message)
        case .conflict:
            self = .conflict(error.message)
            if let retryAfter = error.retryAfter { headers[.retryAfter] = "\(max(1, retryAfter))" }
        case .unauthorized: self = .unauthorized(error.message)
        case .forbidden: self = .forbidden(error.message)
        case .unavailable: self = .unavailable(error.message)
        case .storeFailure: self = .unavailable("the service cannot reach its data right now")
        case .rateLimited:
            self = .init(
                status: .tooManyRequests,
                code: "rate_limited",
                description: error.message,
                headers: [.retryAfter: "\(error.retryAfter ?? 60)"]
            )
        }
    }
}
