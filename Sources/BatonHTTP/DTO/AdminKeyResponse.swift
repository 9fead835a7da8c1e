import BatonCore
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

/// `GET …/admin-keys`: the tenant's admin keys, without the keys themselves (only their digests are stored).
struct AdminKeyListResponse: ResponseEncodable {
    struct Item: Encodable {
        let id: String
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id
            case createdAt = "created_at"
        }
    }

    let adminKeys: [Item]

    init(_ keys: [AdminKey]) { adminKeys = keys.map { Item(id: $0.id.uuidString.lowercased(), createdAt: $0.createdAt) } }

    enum CodingKeys: String, CodingKey {
        case adminKeys = "admin_keys"
    }
}
