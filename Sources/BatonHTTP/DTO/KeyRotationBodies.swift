import Hummingbird

/// `POST /admin/v1/tenants/{tenant}/keys/rotate` body, all optional: `{force?, alg?}`.
struct RotateKeysRequest: Decodable {
    let force: Bool?
    let algorithm: String?

    init(force: Bool?, algorithm: String?) {
        self.force = force
        self.algorithm = algorithm
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case force
        case algorithm = "alg"
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        force = try c.decodeIfPresentNonNull(Bool.self, forKey: .force)
        algorithm = try c.decodeIfPresentNonNull(String.self, forKey: .algorithm)
    }
}

/// The answer to an emergency revocation: which key went, which key signs now.
struct RevokedKeyResponse: ResponseEncodable {
    let revokedKID: String
    let activeKID: String

    enum CodingKeys: String, CodingKey {
        case revokedKID = "revoked_kid"
        case activeKID = "active_kid"
    }
}
