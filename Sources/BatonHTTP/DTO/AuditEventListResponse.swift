import BatonCore
import Foundation
import Hummingbird

/// A page of audit events; `next_before` is the `before` of the next (older) page.
struct AuditEventListResponse: ResponseEncodable {
    struct Item: Encodable {
        let id: Int64
        let type: String
        let occurredAt: Date
        let actor: String
        let sessionID: String?
        let userID: String?
        let clientID: String?
        let sourceIP: String?
        let details: [String: String]

        enum CodingKeys: String, CodingKey {
            case id, type, actor, details
            case occurredAt = "occurred_at"
            case sessionID = "session_id"
            case userID = "user_id"
            case clientID = "client_id"
            case sourceIP = "source_ip"
        }
    }

    let events: [Item]
    let nextBefore: Int64?

    enum CodingKeys: String, CodingKey {
        case events
        case nextBefore = "next_before"
    }

    init(events: [AuditEvent], nextBefore: Int64?) {
        self.events = events.map {
            Item(
                id: $0.id ?? 0,
                type: $0.kind.rawValue,
                occurredAt: $0.occurredAt,
                actor: $0.actor,
                sessionID: $0.sessionID?.uuidString.lowercased(),
                userID: $0.userID?.uuidString.lowercased(),
                clientID: $0.clientID,
                sourceIP: $0.sourceIP,
                details: $0.details
            )
        }
        self.nextBefore = nextBefore
    }
}
