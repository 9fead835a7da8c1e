import Hummingbird

/// A page of users; `next_after` is the next page's `after`.
struct UserListResponse: ResponseEncodable {
    let users: [UserResponse]
    let nextAfter: String?

    enum CodingKeys: String, CodingKey {
        case users
        case nextAfter = "next_after"
    }
}

/// A page of clients; `next_after` is the next page's `after`.
struct ClientListResponse: ResponseEncodable {
    let clients: [ClientResponse]
    let nextAfter: String?

    enum CodingKeys: String, CodingKey {
        case clients
        case nextAfter = "next_after"
    }
}
