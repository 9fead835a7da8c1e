/// `POST /admin/v1/tenants` body: `{id, display_name?, settings?}`.
struct CreateTenantRequest: Decodable {
    let id: String
    let displayName: String?
    let settings: TenantSettingsBody?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case displayName = "display_name"
        case settings
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        displayName = try c.decodeIfPresentNonNull(String.self, forKey: .displayName)
        settings = try c.decodeIfPresentNonNull(TenantSettingsBody.self, forKey: .settings)
    }
}
