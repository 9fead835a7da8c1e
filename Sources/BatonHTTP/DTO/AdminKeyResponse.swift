import Foundation
import Hummingbird

/// A newly issued tenant admin key: the only time the key itself is ever shown.
struct AdminKeyResponse: ResponseEncodable {
    let id: String
    let tenant: String
    let adminKey: String
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, tenant
        case adminKey = "admin_key"
        case createdAt = "created_at"
    }
}
