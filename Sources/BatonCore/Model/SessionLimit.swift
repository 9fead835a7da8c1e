/// A tenant's cap on each user's live sessions (`max_sessions_per_user`, `on_limit`), applied when a login
/// creates a session, atomically with that creation across instances.
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

    public init(maxPerUser: Int, action: Action) {
        self.maxPerUser = maxPerUser
        self.action = action
    }

    /// The revoke reason of an evicted session.
    public static let evictionReason = "session_limit"

    /// What creating one more session does to a user holding `live` (oldest first): the sessions to evict, or nil
    /// when the login must be refused. The one rule both stores apply inside their creation.
    public func evictions(live: [Session]) -> [Session]? {
        let excess = live.count - (maxPerUser - 1)
        guard excess > 0 else { return [] }
        return action == .reject ? nil : Array(live.prefix(excess))
    }
}
