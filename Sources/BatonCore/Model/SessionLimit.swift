/// A cap on each user's live sessions (`max_sessions_per_user`, `on_limit`), the tenant's over all its clients or a
/// client's over its own, applied when a login creates a session, atomically with that creation across instances.
public struct SessionLimit: Sendable, Equatable {
    /// What a login past the cap does.
    public enum Action: String, Sendable, CaseIterable {
        /// The login is refused (`session_limit_reached`); no session changes.
        case reject
        /// The user's oldest live sessions are revoked (reason `session_limit`, audited) to make room.
        case evictOldest = "evict_oldest"

        /// `raw` as `on_limit` spells it; `invalidInput` otherwise.
        public init(parsing raw: String) throws(BatonError) {
            guard let action = Self(rawValue: raw) else { throw .invalidInput("on_limit must be reject or evict_oldest") }
            self = action
        }
    }

    /// Live sessions a user may hold; at least 1.
    public let maxPerUser: Int
    public let action: Action
    /// The client whose sessions this cap counts; nil: every session of the user in the tenant.
    public let clientID: String?

    public init(maxPerUser: Int, action: Action, clientID: String? = nil) {
        self.maxPerUser = maxPerUser
        self.action = action
        self.clientID = clientID
    }

    /// The revoke reason of an evicted session.
    public static let evictionReason = "session_limit"

    /// What creating one more session does to a user holding `live` (oldest first): the sessions to evict, or nil
    /// when the login must be refused. The one rule both stores apply inside their creation.
    public func evictions(live: [Session]) -> [Session]? {
        let counted = live.filter { clientID == nil || $0.clientID == clientID }
        let excess = counted.count - (maxPerUser - 1)
        guard excess > 0 else { return [] }
        return action == .reject ? nil : Array(counted.prefix(excess))
    }

    /// `evictions(live:)` for several caps at once, in order (a client's before the tenant's, so that what the
    /// client's cap evicts also makes room under the tenant's): nil when any refuses; else every session to evict,
    /// oldest first.
    public static func evictions(_ limits: [SessionLimit], live: [Session]) -> [Session]? {
        var remaining = live
        var evicted: [Session] = []
        for limit in limits {
            guard let more = limit.evictions(live: remaining) else { return nil }
            let ids = Set(more.map(\.id))
            remaining.removeAll { ids.contains($0.id) }
            evicted += more
        }
        let order = Dictionary(uniqueKeysWithValues: live.enumerated().map { ($1.id, $0) })
        return evicted.sorted { order[$0.id, default: 0] < order[$1.id, default: 0] }
    }
}
