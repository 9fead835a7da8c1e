import Hummingbird

/// `?after=&limit=` of list endpoints; a non-integer limit is a 400 (the range is the service's to check).
enum PageQuery {
    static func read(_ request: Request) throws -> (after: String?, limit: Int?) {
        let query = request.uri.queryParameters
        let limit = try query["limit"].map { raw in
            guard let value = Int(String(raw)) else { throw APIError.invalidRequest("limit must be an integer") }
            return value
        }
        return (query["after"].map(String.init), limit)
    }
}
