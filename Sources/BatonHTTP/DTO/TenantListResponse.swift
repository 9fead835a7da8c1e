import Hummingbird

/// A page of tenants; `next_after` is the `after` to pass for the next page, absent on the last one.
struct TenantListResponse: ResponseEncodable {
    let tenants: [TenantResponse]
    let nextAfter: String?

    enum CodingKeys: String, CodingKey {
        case tenants
        case nextAfter = "next_after"
    }
}
