import BatonCore
import Foundation
import Hummingbird

/// `GET /t/{tenant}/me`.
struct MeResponse: ResponseEncodable {
    let id: String
    let username: String
    let sessionID: String
    let clientID: String
    let scope: String

    enum CodingKeys: String, CodingKey {
        case id, username, scope
        case sessionID = "session_id"
        case clientID = "client_id"
    }
}

/// A user's live sessions; `current` marks the one the request came from.
struct SessionListResponse: ResponseEncodable {
    struct Item: Encodable {
        let id: String
        let clientID: String
        let createdAt: Date
        let lastUsedAt: Date
        let userAgent: String?
        let ipAddress: String?
        let current: Bool

        enum CodingKeys: String, CodingKey {
            case id, current
            case clientID = "client_id"
            case createdAt = "created_at"
            case lastUsedAt = "last_used_at"
            case userAgent = "user_agent"
            case ipAddress = "ip_address"
        }
    }

    let sessions: [Item]

    init(_ sessions: [Session], current: UUID?) {
        self.sessions = sessions.map {
            Item(
                id: $0.id.uuidString.lowercased(),
                clientID: $0.clientID,
                createdAt: $0.createdAt,
                lastUsedAt: $0.lastRotatedAt ?? $0.createdAt,
                userAgent: $0.userAgent,
                ipAddress: $0.ipAddress,
                current: $0.id == current
            )
        }
    }
}

/// `POST /t/{tenant}/logout` body: `{"all": true}` signs out everywhere; no body, the current session only.
struct LogoutRequest: Decodable {
    let all: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case all }

    init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self)
        all = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresentNonNull(Bool.self, forKey: .all)
    }
}
