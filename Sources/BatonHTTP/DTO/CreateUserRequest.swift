/// `POST /admin/v1/tenants/{tenant}/users` body.
struct CreateUserRequest: Decodable {
    let username: String
    let password: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case username, password
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        username = try c.decode(String.self, forKey: .username)
        password = try c.decode(String.self, forKey: .password)
    }
}
