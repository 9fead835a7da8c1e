import BatonCore
import Foundation
import Hummingbird

/// A user as the admin API shows it: never the password or its hash.
struct UserResponse: ResponseEncodable {
    let id: String
    let username: String
    let disabled: Bool
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, username, disabled
        case createdAt = "created_at"
    }

    init(_ user: User) {
        id = user.id.uuidString.lowercased()
        username = user.username
        disabled = user.disabled
        createdAt = user.createdAt
    }
}
