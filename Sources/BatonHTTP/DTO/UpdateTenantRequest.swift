/// `PATCH /admin/v1/tenants/{tenant}` body: `{display_name?, settings?}`; absent members stay as they are.
struct UpdateTenantRequest: Decodable {
    let displayName: String?
    let settings: TenantSettingsBody?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case displayName = "display_name"
        case settings
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        displayName = try c.decodeIfPresentNonNull(String.self, forKey: .displayName)
        settings = try c.decodeIfPresentNonNull(TenantSettingsBody.self, forKey: .settings)
    }
}
