/// `PATCH /admin/v1/tenants/{tenant}/users/{user_id}` body; either change signs the user out everywhere.
struct UpdateUserRequest: Decodable {
    let password: String?
    let disabled: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case password, disabled }

    init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        password = try c.decodeIfPresentNonNull(String.self, forKey: .password)
        disabled = try c.decodeIfPresentNonNull(Bool.self, forKey: .disabled)
    }
}
